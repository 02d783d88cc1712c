namespace EventStore.Dapper;

/// <summary>
/// The tables and every name derived from them: constraints and indexes. The DDL creates exactly these, and the store
/// recognises errors by them.
/// </summary>
internal sealed record SchemaNames
{
    public SchemaNames(QualifiedName events, QualifiedName heads, QualifiedName checkpoints)
    {
        Events = events;
        Heads = heads;
        Checkpoints = checkpoints;
        CheckpointsPrimaryKey = Identifier.Derived(checkpoints.Name, "pkey");
        Members = new QualifiedName(checkpoints.Schema, Identifier.Derived(checkpoints.Name, "members"));
        MembersPrimaryKey = Identifier.Derived(Members.Name, "pkey");
        EventsPrimaryKey = Identifier.Derived(events.Name, "pkey");
        EventIdKey = Identifier.Derived(events.Name, "event_id_key");
        AggregateVersionKey = Identifier.Derived(events.Name, "aggregate_version_key");
        AggregateVersionCheck = Identifier.Derived(events.Name, "aggregate_version_check");
        EventVersionCheck = Identifier.Derived(events.Name, "event_version_check");
        EventTypeIndex = Identifier.Derived(events.Name, "event_type_idx");
        CorrelationIdIndex = Identifier.Derived(events.Name, "correlation_id_idx");
        AggregateTypeIndex = Identifier.Derived(events.Name, "aggregate_type_idx");
        HeadsPrimaryKey = Identifier.Derived(heads.Name, "pkey");
        Keys = new QualifiedName(events.Schema, Identifier.Derived(events.Name, "keys"));
        CreatePartitionsFunction = new QualifiedName(events.Schema, Identifier.Derived(events.Name, "create_partitions"));
        LastPartitionFunction = new QualifiedName(events.Schema, Identifier.Derived(events.Name, "last_partition"));
        Archive = new QualifiedName(events.Schema, Identifier.Derived(events.Name, "archive"));
        ArchivePrimaryKey = Identifier.Derived(Archive.Name, "pkey");
        ArchivePartitionsFunction = new QualifiedName(events.Schema, Identifier.Derived(events.Name, "archive_partitions"));
        RefuseArchivedFunction = new QualifiedName(events.Schema, Identifier.Derived(events.Name, "refuse_archived"));
        DeadLetters = new QualifiedName(checkpoints.Schema, Identifier.Derived(checkpoints.Name, "dead_letters"));
        DeadLettersPrimaryKey = Identifier.Derived(DeadLetters.Name, "pkey");
        EnsureDistinctRelations();
    }

    public QualifiedName Events { get; }

    public QualifiedName Heads { get; }

    public QualifiedName Checkpoints { get; }

    /// <summary>The key table of a partitioned events table: each event's id, stream version and position.</summary>
    public QualifiedName Keys { get; }

    /// <summary>The function that makes a partitioned events table's partitions ahead of the sequence.</summary>
    public QualifiedName CreatePartitionsFunction { get; }

    /// <summary>The function that reports the number of the highest partition made.</summary>
    public QualifiedName LastPartitionFunction { get; }

    /// <summary>The record of a partitioned events table's archived partitions: each one's name and the positions it held.</summary>
    public QualifiedName Archive { get; }

    public string ArchivePrimaryKey { get; }

    /// <summary>The function that detaches the partitions every consumer has passed and records them in <see cref="Archive"/>.</summary>
    public QualifiedName ArchivePartitionsFunction { get; }

    /// <summary>The function that raises the error naming the archived partition a read would skip.</summary>
    public QualifiedName RefuseArchivedFunction { get; }

    /// <summary>The events a consumer gave up on (<see cref="PoisonEventHandling.DeadLetter"/>), kept beside its checkpoints.</summary>
    public QualifiedName DeadLetters { get; }

    public string DeadLettersPrimaryKey { get; }

    public string CheckpointsPrimaryKey { get; }

    /// <summary>The instances running each partitioned consumer, and how many of its partitions each holds.</summary>
    public QualifiedName Members { get; }

    public string MembersPrimaryKey { get; }

    public string EventsPrimaryKey { get; }

    public string EventIdKey { get; }

    public string AggregateVersionKey { get; }

    public string AggregateVersionCheck { get; }

    public string EventVersionCheck { get; }

    public string EventTypeIndex { get; }

    public string CorrelationIdIndex { get; }

    public string AggregateTypeIndex { get; }

    public string HeadsPrimaryKey { get; }

    /// <summary>
    /// Tables and indexes share one namespace per schema. A clash would make <c>CREATE ... IF NOT EXISTS</c> skip an
    /// object silently, so it is refused here, when the options are read.
    /// </summary>
    private static string Qualified(string? schema, string name) => schema is null ? name : $"{schema}.{name}";

    private void EnsureDistinctRelations()
    {
        var relations = new (string? Schema, string Name, string What)[]
        {
            (Events.Schema, Events.Name, "the events table"),
            (Heads.Schema, Heads.Name, "the aggregate heads table"),
            (Events.Schema, EventsPrimaryKey, "the events primary key"),
            (Events.Schema, EventIdKey, "the event id key"),
            (Events.Schema, AggregateVersionKey, "the aggregate version key"),
            (Events.Schema, EventTypeIndex, "the event type index"),
            (Events.Schema, CorrelationIdIndex, "the correlation id index"),
            (Events.Schema, AggregateTypeIndex, "the aggregate type index"),
            (Heads.Schema, HeadsPrimaryKey, "the aggregate heads primary key"),
            (Keys.Schema, Keys.Name, "the event keys table"),
            (Archive.Schema, Archive.Name, "the archive table"),
            (Archive.Schema, ArchivePrimaryKey, "the archive primary key"),
            (Checkpoints.Schema, Checkpoints.Name, "the checkpoints table"),
            (Checkpoints.Schema, CheckpointsPrimaryKey, "the checkpoints primary key"),
            (DeadLetters.Schema, DeadLetters.Name, "the dead letters table"),
            (DeadLetters.Schema, DeadLettersPrimaryKey, "the dead letters primary key"),
            (Members.Schema, Members.Name, "the consumer members table"),
            (Members.Schema, MembersPrimaryKey, "the consumer members primary key"),
        };
        var clash = relations
            .GroupBy(relation => (relation.Schema, relation.Name))
            .FirstOrDefault(group => group.Count() > 1);
        if (clash is not null)
        {
            throw new ArgumentException(
                $"The configured table names make {string.Join(" and ", clash.Select(relation => relation.What))} both '{Qualified(clash.Key.Schema, clash.Key.Name)}'; choose other table names.",
                "options");
        }
    }
}
