namespace EventStore.Dapper;

/// <summary>
/// The schema and the names a <see cref="PostgresEventStore"/> relies on, rendered once from validated table names.
/// Every statement of the store is rendered here too, once, by the type that runs it; nothing builds SQL per call,
/// and <see cref="MigrationEmitter"/> prints the same <see cref="Schema"/> the statements assume.
/// </summary>
public sealed class SqlDialect
{
    /// <summary>Validates the names in <paramref name="options"/> and renders every statement.</summary>
    /// <param name="options">The table names and NOTIFY channel.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A table name or the channel is not a plain PostgreSQL identifier; the message names the value.</exception>
    public SqlDialect(EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var events = Identifier.ParseQualified(options.EventsTable, nameof(EventStoreOptions.EventsTable));
        var heads = Identifier.ParseQualified(options.AggregateHeadsTable, nameof(EventStoreOptions.AggregateHeadsTable));
        NotifyChannel = options.NotifyChannel is null
            ? null
            : Identifier.Validate(options.NotifyChannel, options.NotifyChannel, nameof(EventStoreOptions.NotifyChannel));

        var checkpoints = Identifier.ParseQualified(options.CheckpointsTable, nameof(EventStoreOptions.CheckpointsTable));
        var names = new SchemaNames(events, heads, checkpoints);
        EventIdConstraint = names.EventIdKey;
        AggregateVersionConstraint = names.AggregateVersionKey;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinPartitionsAhead, nameof(options));
        if (options.PartitionSize is < 1)
        {
            throw new ArgumentException(
                $"PartitionSize must be at least 1 position, or null for a plain events table; it is {options.PartitionSize}.", nameof(options));
        }

        Schema = SchemaStatements.Render(names, options.PartitionSize);

        // Validated identifiers, so quoting them, also into string literals, cannot break out.
        var eventsTable = Identifier.Quote(events);
        var keysTable = options.PartitionSize is null ? null : Identifier.Quote(names.Keys);
        var archiveGuard = options.PartitionSize is null
            ? null
            : new ArchiveGuard(Identifier.Quote(names.Archive), Identifier.Quote(names.RefuseArchivedFunction));
        Append = new AppendStatement(eventsTable, keysTable, Identifier.Quote(heads), NotifyChannel, EventIdConstraint, AggregateVersionConstraint);
        StreamRead = new StreamReadStatement(eventsTable, keysTable, archiveGuard);
        CreatePartitions = options.PartitionSize is null ? null : new CreatePartitionsStatement(Identifier.Quote(names.CreatePartitionsFunction));
        LastPartition = options.PartitionSize is null ? null : new LastPartitionStatement(Identifier.Quote(names.LastPartitionFunction));
        ArchivePartitions = options.PartitionSize is null ? null : new ArchivePartitionsStatement(Identifier.Quote(names.ArchivePartitionsFunction));
        LogRead = new LogReadStatement(eventsTable, archiveGuard);
        LatestPosition = new LatestPositionStatement(eventsTable);
        ConsumerBatch = new ConsumerBatchStatement(eventsTable, archiveGuard);
        LogFacts = new LogFactsStatement(eventsTable);

        var checkpointsTable = Identifier.Quote(checkpoints);
        FrontierProbe = new FrontierProbeStatement(eventsTable, checkpointsTable);
        EnsureCheckpoint = ConsumerStatements.EnsureCheckpoint(checkpointsTable);
        LockCheckpoint = ConsumerStatements.LockCheckpoint(checkpointsTable);
        SaveCheckpoint = ConsumerStatements.SaveCheckpoint(checkpointsTable);
        TryLease = ConsumerStatements.TryLease;
        ReleaseLease = ConsumerStatements.ReleaseLease;
        TableLease = new TableLeaseStatement(checkpointsTable);
        CheckpointsTable = checkpointsTable;
        ConsumerResume = new ConsumerResumeStatement(checkpointsTable);
        Observation = new ObservationStatement(checkpointsTable);
        ConsumerStatus = new ConsumerStatusStatement(eventsTable, checkpointsTable);
        ConsumerReset = new ConsumerResetStatement(checkpointsTable);
        ConsumerRemove = new ConsumerRemoveStatement(checkpointsTable);

        ConsumerFailure = new ConsumerFailureStatement(checkpointsTable);
        var deadLettersTable = Identifier.Quote(names.DeadLetters);
        DeadLetter = new DeadLetterStatement(deadLettersTable, checkpointsTable);
        DeadLetterRead = new DeadLetterReadStatement(deadLettersTable);
        DeadLetterReplay = new DeadLetterReplayStatement(deadLettersTable, checkpointsTable, eventsTable);

        PartitionMembers = new PartitionMembersStatement(Identifier.Quote(names.Members));
        PartitionFree = new PartitionFreeStatement(checkpointsTable);
        PartitionLayout = new PartitionLayoutStatement(checkpointsTable);
        Listen = NotifyChannel is null ? null : $"LISTEN {Identifier.Quote(NotifyChannel)}";
    }

    /// <summary>The channel appends notify on, or <see langword="null"/> when NOTIFY is off.</summary>
    public string? NotifyChannel { get; }

    /// <summary>The unique constraint on the event id; a violation of it means a duplicate event.</summary>
    public string EventIdConstraint { get; }

    /// <summary>The unique constraint on (aggregate type, aggregate id, aggregate version), the last guard against a lost update.</summary>
    public string AggregateVersionConstraint { get; }

    /// <summary>The idempotent DDL that creates the tables, constraints and indexes every statement relies on.</summary>
    public string Schema { get; }

    internal AppendStatement Append { get; }

    internal StreamReadStatement StreamRead { get; }

    /// <summary>Makes partitions ahead of the sequence; null for a plain events table.</summary>
    internal CreatePartitionsStatement? CreatePartitions { get; }

    /// <summary>Reads the highest partition's number; null for a plain events table.</summary>
    internal LastPartitionStatement? LastPartition { get; }

    /// <summary>Detaches the partitions every consumer has passed; null for a plain events table.</summary>
    internal ArchivePartitionsStatement? ArchivePartitions { get; }

    internal LogReadStatement LogRead { get; }

    internal LatestPositionStatement LatestPosition { get; }

    internal ConsumerBatchStatement ConsumerBatch { get; }

    internal FrontierProbeStatement FrontierProbe { get; }

    internal LogFactsStatement LogFacts { get; }

    /// <summary>Creates a consumer's checkpoint row at position 0 unless it exists.</summary>
    internal string EnsureCheckpoint { get; }

    /// <summary>Reads and locks a consumer's checkpoint for the length of a batch.</summary>
    internal string LockCheckpoint { get; }

    /// <summary>Moves a consumer's checkpoint.</summary>
    internal string SaveCheckpoint { get; }

    /// <summary>Tries to take the session lock that makes one instance the only one processing a consumer.</summary>
    internal string TryLease { get; }

    /// <summary>Gives a lease up, so a pooled connection does not keep holding it once closed.</summary>
    internal string ReleaseLease { get; }

    internal TableLeaseStatement TableLease { get; }

    /// <summary>The checkpoints table, quoted, for messages that name it.</summary>
    internal string CheckpointsTable { get; }

    internal ConsumerResumeStatement ConsumerResume { get; }

    internal ObservationStatement Observation { get; }

    internal ConsumerStatusStatement ConsumerStatus { get; }

    internal ConsumerResetStatement ConsumerReset { get; }

    internal ConsumerRemoveStatement ConsumerRemove { get; }

    internal ConsumerFailureStatement ConsumerFailure { get; }

    internal DeadLetterStatement DeadLetter { get; }

    internal DeadLetterReadStatement DeadLetterRead { get; }

    internal DeadLetterReplayStatement DeadLetterReplay { get; }

    internal PartitionMembersStatement PartitionMembers { get; }

    internal PartitionFreeStatement PartitionFree { get; }

    internal PartitionLayoutStatement PartitionLayout { get; }

    /// <summary>Subscribes a connection to <see cref="NotifyChannel"/>; null when NOTIFY is off.</summary>
    internal string? Listen { get; }
}
