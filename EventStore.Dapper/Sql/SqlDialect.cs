namespace EventStore.Dapper;

/// <summary>
/// Every SQL statement of the store, rendered once from the configured table names. Nothing builds SQL per call,
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

        var eventsTable = Identifier.Quote(events);
        var headsTable = Identifier.Quote(heads);
        AppendAny = AppendStatements.Render(eventsTable, headsTable, AppendStatements.AnyHead(headsTable), NotifyChannel is not null);
        AppendNoStream = AppendStatements.Render(eventsTable, headsTable, AppendStatements.NoStreamHead(headsTable), NotifyChannel is not null);
        AppendExact = AppendStatements.Render(eventsTable, headsTable, AppendStatements.ExactHead(headsTable), NotifyChannel is not null);
        ReadAggregateStream = ReadStatements.AggregateStream(eventsTable, bounded: false);
        ReadAggregateStreamRange = ReadStatements.AggregateStream(eventsTable, bounded: true);
        ReadEvents = ReadStatements.Events(eventsTable);
        LatestGlobalPosition = $"SELECT COALESCE(MAX(global_position), 0) FROM {eventsTable}";
        Schema = SchemaStatements.Render(names);

        var checkpointsTable = Identifier.Quote(checkpoints);
        // Validated identifiers, so quoting them into a string literal cannot break out of it.
        ProbeFrontier = ConsumerStatements.ProbeFrontier(eventsTable);
        ReadConsumerBatch = ReadStatements.ConsumerBatch(eventsTable, scoped: false);
        ReadScopedConsumerBatch = ReadStatements.ConsumerBatch(eventsTable, scoped: true);
        EnsureCheckpoint = ConsumerStatements.EnsureCheckpoint(checkpointsTable);
        LockCheckpoint = ConsumerStatements.LockCheckpoint(checkpointsTable);
        SaveCheckpoint = ConsumerStatements.SaveCheckpoint(checkpointsTable);
        TryLease = ConsumerStatements.TryLease;
        CheckLog = ConsumerStatements.CheckLog(eventsTable);
        ReleaseLease = ConsumerStatements.ReleaseLease;
        Listen = NotifyChannel is null ? null : $"LISTEN {Identifier.Quote(NotifyChannel)}";
    }

    /// <summary>The channel appends notify on, or <see langword="null"/> when NOTIFY is off.</summary>
    public string? NotifyChannel { get; }

    /// <summary>The unique constraint on the event id; a violation of it means a duplicate event.</summary>
    public string EventIdConstraint { get; }

    /// <summary>The unique constraint on (aggregate type, aggregate id, aggregate version), the last guard against a lost update.</summary>
    public string AggregateVersionConstraint { get; }

    /// <summary>Appends with <see cref="ExpectedVersion.Any"/>: takes the aggregate's head row lock, so concurrent appends queue up instead of failing.</summary>
    public string AppendAny { get; }

    /// <summary>Appends with <see cref="ExpectedVersion.NoStream"/>: creates the head row, or appends nothing if it exists.</summary>
    public string AppendNoStream { get; }

    /// <summary>Appends with <c>Exact(n)</c>: moves the head row from <c>n</c>, or appends nothing if it is elsewhere.</summary>
    public string AppendExact { get; }

    /// <summary>Reads an aggregate's whole stream in version order.</summary>
    public string ReadAggregateStream { get; }

    /// <summary>Reads an aggregate's stream between two inclusive versions, in version order.</summary>
    public string ReadAggregateStreamRange { get; }

    /// <summary>Reads the global log after a position, in position order, up to a limit.</summary>
    public string ReadEvents { get; }

    /// <summary>Reads the highest global position visible to the transaction, 0 when there is none.</summary>
    public string LatestGlobalPosition { get; }

    /// <summary>Reads the last position taken and the transactions that may still be writing events.</summary>
    public string ProbeFrontier { get; }

    /// <summary>Reads a consumer's next batch between its checkpoint and the safe frontier.</summary>
    public string ReadConsumerBatch { get; }

    /// <summary>Reads a scoped consumer's next batch of its aggregate types between its checkpoint and the safe frontier.</summary>
    public string ReadScopedConsumerBatch { get; }

    /// <summary>Creates a consumer's checkpoint row at position 0 unless it exists.</summary>
    public string EnsureCheckpoint { get; }

    /// <summary>Reads and locks a consumer's checkpoint for the length of a batch.</summary>
    public string LockCheckpoint { get; }

    /// <summary>Moves a consumer's checkpoint.</summary>
    public string SaveCheckpoint { get; }

    /// <summary>Tries to take the session lock that makes one instance the only one processing a consumer.</summary>
    public string TryLease { get; }

    /// <summary>
    /// Reads what the consumer processor assumes of the log; on a lease's connection it also proves that the session,
    /// and with it the lease, is alive.
    /// </summary>
    internal string CheckLog { get; }

    /// <summary>Gives a lease up, so a pooled connection does not keep holding it once closed.</summary>
    public string ReleaseLease { get; }

    /// <summary>Subscribes a connection to <see cref="NotifyChannel"/>; null when NOTIFY is off.</summary>
    public string? Listen { get; }

    /// <summary>The idempotent DDL that creates the tables, constraints and indexes every statement relies on.</summary>
    public string Schema { get; }
}
