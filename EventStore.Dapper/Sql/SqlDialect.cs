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

        var names = new SchemaNames(events, heads);
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

    /// <summary>The idempotent DDL that creates the tables, constraints and indexes every statement relies on.</summary>
    public string Schema { get; }
}
