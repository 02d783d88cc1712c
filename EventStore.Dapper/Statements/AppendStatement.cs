using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// The one-statement append: its SQL for each kind of expected version, its parameters, the rows it returns and what
/// they mean, and the server errors that mean a conflict. Every expected-version kind shares the statement and differs
/// only in how it moves the aggregate's head row; the head row lock is what serializes concurrent appends to one aggregate.
/// </summary>
/// <remarks>
/// <para>The statement returns one row per outcome (<see cref="RowKind"/>): the appended events, or the already-stored
/// events that stopped the append (with where they are stored and whether their content is the same, so that a retry
/// can be told from a conflict), or the head version that did not match. A plain SELECT in the same statement sees the
/// statement's snapshot, so the mismatch row shows the head as it was when the statement began.</para>
/// <para>The stored-id lookup is shaped for a prepared statement, whose generic plan is made once and kept. One index
/// probe per id, under a LIMIT 1, stays the cheapest plan at any table size, where a plain <c>= ANY(ids)</c> was planned
/// as a sequential scan while the table was new and kept scanning as it grew. The outer limit never cuts anything, since
/// ids are unique and a batch repeats none; it makes the generic plan cost less than one planned for a single event, so
/// PostgreSQL stops re-planning a single-event append on every call, which cost more than running it.</para>
/// <para>The placeholders are positional: Npgsql sends such a statement as it is, where named placeholders make it
/// parse and rewrite the whole statement on every call. Parameters are typed, so nothing is inferred or boxed.</para>
/// </remarks>
internal sealed partial class AppendStatement
{
    private const string AggregateTypeParameter = "$1";
    private const string AggregateIdParameter = "$2";
    private const string ExpectedParameter = "$3";
    private const string EventCountParameter = "$4";
    private const string EventIdsParameter = "$5";
    private const string EventTypesParameter = "$6";
    private const string EventVersionsParameter = "$7";
    private const string PayloadsParameter = "$8";
    private const string MetadataParameter = "$9";
    private const string TraceIdsParameter = "$10";
    private const string CorrelationIdsParameter = "$11";
    private const string CausationIdsParameter = "$12";
    private const string CreatedAtParameter = "$13";
    private const string NotifyChannelParameter = "$14";

    private const int KindColumn = 0;
    private const int GlobalPositionColumn = 1;
    private const int AggregateVersionColumn = 2;
    private const int EventIdColumn = 3;
    private const int OrdinalColumn = 4;
    private const int SameContentColumn = 5;
    private const int StoredAggregateTypeColumn = 6;
    private const int StoredAggregateIdColumn = 7;

    private readonly string? _notifyChannel;
    private readonly string _eventIdConstraint;
    private readonly string _aggregateVersionConstraint;

    /// <param name="events">The events table, quoted.</param>
    /// <param name="keys">The key table of a partitioned events table, quoted; null for a plain one.</param>
    /// <param name="heads">The aggregate heads table, quoted.</param>
    /// <param name="notifyChannel">The channel to notify, or null.</param>
    /// <param name="eventIdConstraint">The unique constraint on event ids.</param>
    /// <param name="aggregateVersionConstraint">The unique constraint on stream versions.</param>
    public AppendStatement(string events, string? keys, string heads, string? notifyChannel, string eventIdConstraint, string aggregateVersionConstraint)
    {
        _notifyChannel = notifyChannel;
        _eventIdConstraint = eventIdConstraint;
        _aggregateVersionConstraint = aggregateVersionConstraint;
        var notify = notifyChannel is not null;
        AnySql = Render(events, keys, heads, AnyHead(heads), notify);
        NoStreamSql = Render(events, keys, heads, NoStreamHead(heads), notify);
        ExactSql = Render(events, keys, heads, ExactHead(heads), notify);
    }

    /// <summary>What a row of the statement reports.</summary>
    private enum RowKind
    {
        /// <summary>An event this append stored, with its position and version.</summary>
        Appended = 0,

        /// <summary>
        /// An event id of this append that was already stored: the stored event's position, version and aggregate, the
        /// index of the event in the append, and whether type, version, payload and metadata are the same.
        /// </summary>
        AlreadyStored = 1,

        /// <summary>Nothing was stored because the expected version did not match; carries the head version the statement saw.</summary>
        VersionMismatch = 2,

        /// <summary>The notification was queued; carries nothing.</summary>
        Notified = 3,
    }

    /// <summary>Appends with <see cref="ExpectedVersion.Any"/>: takes the head row lock, so concurrent appends queue up instead of failing.</summary>
    public string AnySql { get; }

    /// <summary>Appends with <see cref="ExpectedVersion.NoStream"/>: creates the head row, or appends nothing if it exists.</summary>
    public string NoStreamSql { get; }

    /// <summary>Appends with <c>Exact(n)</c>: moves the head row from <c>n</c>, or appends nothing if it is elsewhere.</summary>
    public string ExactSql { get; }

    /// <summary>The statement for <paramref name="expectedVersion"/>, with the batch bound as column arrays.</summary>
    public NpgsqlCommand Create(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ExpectedVersion expectedVersion, IReadOnlyList<Event> events)
    {
        var sql = expectedVersion.IsAny ? AnySql : expectedVersion.IsNoStream ? NoStreamSql : ExactSql;
        var command = new NpgsqlCommand(sql, connection, transaction);
        Bind(command.Parameters, events, expectedVersion);
        return command;
    }

    /// <summary>Reads the statement's rows; <c>Retried</c> is true when the append was a retry of one already stored.</summary>
    /// <exception cref="OptimisticConcurrencyException">The aggregate was not at the expected version.</exception>
    /// <exception cref="DuplicateEventException">Some event ids are stored, and this is not a retry of the append that stored them.</exception>
    public static async Task<(AppendResult Result, bool Retried)> ReadAsync(
        NpgsqlDataReader reader, IReadOnlyList<Event> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken)
    {
        var persisted = new PersistedEvent[events.Count];
        var positions = new long[events.Count];
        var appended = 0;
        long? visibleHead = null;
        List<StoredEvent>? stored = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch ((RowKind)reader.GetInt32(KindColumn))
            {
                case RowKind.AlreadyStored:
                    (stored ??= []).Add(new StoredEvent(
                        Index: (int)reader.GetInt64(OrdinalColumn) - 1,
                        EventId: reader.GetGuid(EventIdColumn),
                        GlobalPosition: reader.GetInt64(GlobalPositionColumn),
                        AggregateVersion: reader.GetInt64(AggregateVersionColumn),
                        AggregateType: reader.GetString(StoredAggregateTypeColumn),
                        AggregateId: reader.GetString(StoredAggregateIdColumn),
                        SameContent: reader.GetBoolean(SameContentColumn)));
                    break;
                case RowKind.VersionMismatch:
                    visibleHead = reader.GetInt64(AggregateVersionColumn);
                    break;
                case RowKind.Appended when appended < events.Count:
                    var position = reader.GetInt64(GlobalPositionColumn);
                    positions[appended] = position;
                    persisted[appended] = Persist(events[appended], position, reader.GetInt64(AggregateVersionColumn));
                    appended++;
                    break;
            }
        }

        if (stored is not null)
        {
            return (ResolveRetry(stored, events, expectedVersion), true);
        }

        if (appended == events.Count)
        {
            return (new AppendResult(persisted, positions), false);
        }

        if (appended == 0)
        {
            var first = events[0];
            throw new OptimisticConcurrencyException(first.AggregateType, first.AggregateId, expectedVersion, ActualVersion(expectedVersion, visibleHead));
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"The append statement stored {appended} of {events.Count} events; the statement and the schema disagree."));
    }

    /// <summary>
    /// The server errors that mean a conflict or a duplicate event, recognised by SQLSTATE and constraint name, never by
    /// message text; null for any other error.
    /// </summary>
    public EventStoreException? Translate(PostgresException error, IReadOnlyList<Event> events, ExpectedVersion expectedVersion)
    {
        var first = events[0];
        return error.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation when error.ConstraintName == _eventIdConstraint =>
                ConcurrentDuplicate(events, error),
            PostgresErrorCodes.UniqueViolation when error.ConstraintName == _aggregateVersionConstraint =>
                new OptimisticConcurrencyException(first.AggregateType, first.AggregateId, expectedVersion, actualVersion: null, error),
            // Under REPEATABLE READ or SERIALIZABLE a head row moved by a concurrent append cannot be updated. With a
            // version check that is a conflict; with Any it is an ordinary serialization failure, for the caller to retry.
            PostgresErrorCodes.SerializationFailure when !expectedVersion.IsAny =>
                new OptimisticConcurrencyException(first.AggregateType, first.AggregateId, expectedVersion, actualVersion: null, error),
            _ => null,
        };
    }

    private static string AnyHead(string heads) => $"""
        INSERT INTO {heads} AS head (aggregate_type, aggregate_id, aggregate_version, updated_at)
            SELECT {AggregateTypeParameter}, {AggregateIdParameter}, {EventCountParameter}, now()
            WHERE NOT EXISTS (SELECT 1 FROM stored)
            ON CONFLICT (aggregate_type, aggregate_id)
            DO UPDATE SET aggregate_version = head.aggregate_version + EXCLUDED.aggregate_version, updated_at = EXCLUDED.updated_at
            RETURNING aggregate_version
        """;

    private static string NoStreamHead(string heads) => $"""
        INSERT INTO {heads} (aggregate_type, aggregate_id, aggregate_version, updated_at)
            SELECT {AggregateTypeParameter}, {AggregateIdParameter}, {EventCountParameter}, now()
            WHERE NOT EXISTS (SELECT 1 FROM stored)
            ON CONFLICT (aggregate_type, aggregate_id) DO NOTHING
            RETURNING aggregate_version
        """;

    private static string ExactHead(string heads) => $"""
        UPDATE {heads}
            SET aggregate_version = aggregate_version + {EventCountParameter}, updated_at = now()
            WHERE aggregate_type = {AggregateTypeParameter} AND aggregate_id = {AggregateIdParameter}
              AND aggregate_version = {ExpectedParameter}
              AND NOT EXISTS (SELECT 1 FROM stored)
            RETURNING aggregate_version
        """;

    private static string Render(string events, string? keys, string heads, string headStatement, bool notify)
    {
        var notification = notify
            ? $"""

              UNION ALL
              SELECT {(int)RowKind.Notified}, NULL, NULL, NULL, NULL, NULL, NULL, NULL
              FROM (SELECT pg_notify({NotifyChannelParameter}, max(global_position)::text) FROM appended HAVING count(*) > 0) AS notified
              """
            : string.Empty;
        return $"""
            WITH input AS (
                SELECT *
                FROM unnest({EventIdsParameter}, {EventTypesParameter}, {EventVersionsParameter}, {PayloadsParameter}, {MetadataParameter},
                            {TraceIdsParameter}, {CorrelationIdsParameter}, {CausationIdsParameter}, {CreatedAtParameter})
                    WITH ORDINALITY AS e(event_id, event_type, event_version, payload, metadata,
                                         trace_id, correlation_id, causation_id, created_at, ordinal)
            ),
            stored AS (
                {(keys is null ? StoredInTable(events) : StoredThroughKeys(events, keys))}
            ),
            head AS (
                {headStatement}
            ),
            appended AS (
                INSERT INTO {events} (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, event_version,
                                      payload, metadata, trace_id, correlation_id, causation_id, created_at)
                SELECT {AggregateTypeParameter}, {AggregateIdParameter}, head.aggregate_version - {EventCountParameter} + input.ordinal,
                       input.event_id, input.event_type, input.event_version, input.payload,
                       convert_from(input.metadata, 'UTF8')::jsonb,
                       input.trace_id, input.correlation_id, input.causation_id, input.created_at
                FROM head CROSS JOIN input
                ORDER BY input.ordinal
                RETURNING global_position, aggregate_version{(keys is null ? string.Empty : ", event_id")}
            ){(keys is null ? string.Empty : Keyed(keys))}
            SELECT {(int)RowKind.Appended} AS outcome, global_position, aggregate_version, NULL::uuid AS event_id,
                   NULL::bigint AS ordinal, NULL::boolean AS same_content, NULL::text AS aggregate_type, NULL::text AS aggregate_id
            FROM appended
            UNION ALL
            SELECT {(int)RowKind.AlreadyStored}, global_position, aggregate_version, event_id,
                   ordinal, same_content, aggregate_type, aggregate_id
            FROM stored
            UNION ALL
            SELECT {(int)RowKind.VersionMismatch}, NULL, current.aggregate_version, NULL, NULL, NULL, NULL, NULL
            FROM {heads} AS current
            WHERE current.aggregate_type = {AggregateTypeParameter} AND current.aggregate_id = {AggregateIdParameter}
              AND NOT EXISTS (SELECT 1 FROM head){notification}
            ORDER BY 1, 3
            """;
    }

    /// <summary>
    /// The append's events whose ids are stored, found with one index probe per id in a plain events table, where the
    /// unique constraint on the id lives.
    /// </summary>
    private static string StoredInTable(string events) => $"""
        SELECT input.ordinal, match.event_id, match.global_position, match.aggregate_version,
                   match.aggregate_type, match.aggregate_id,
                   match.event_type = input.event_type AND match.event_version = input.event_version
                       AND match.payload = input.payload
                       AND match.metadata IS NOT DISTINCT FROM convert_from(input.metadata, 'UTF8')::jsonb AS same_content
            FROM input CROSS JOIN LATERAL (
                SELECT event_id, global_position, aggregate_version, aggregate_type, aggregate_id,
                       event_type, event_version, payload, metadata
                FROM {events} WHERE event_id = input.event_id LIMIT 1
            ) AS match
            LIMIT {EventCountParameter}
        """;

    /// <summary>
    /// The same for a partitioned events table: the id is probed in the key table, which holds its unique constraint,
    /// and only an id found there leads to its event, by position, in the one partition that holds it.
    /// </summary>
    private static string StoredThroughKeys(string events, string keys) => $"""
        SELECT input.ordinal, match.event_id, match.global_position, match.aggregate_version,
                   match.aggregate_type, match.aggregate_id,
                   (content.event_type = input.event_type AND content.event_version = input.event_version
                       AND content.payload = input.payload
                       AND content.metadata IS NOT DISTINCT FROM convert_from(input.metadata, 'UTF8')::jsonb) IS TRUE AS same_content
            FROM input CROSS JOIN LATERAL (
                SELECT event_id, global_position, aggregate_version, aggregate_type, aggregate_id
                FROM {keys} WHERE event_id = input.event_id LIMIT 1
            ) AS match
            LEFT JOIN LATERAL (
                SELECT event_type, event_version, payload, metadata FROM {events} WHERE global_position = match.global_position
            ) AS content ON true
            LIMIT {EventCountParameter}
        """;

    /// <summary>The key rows of the appended events; their unique constraints turn a concurrent duplicate into an error.</summary>
    private static string Keyed(string keys) => $"""
        ,
        keyed AS (
            INSERT INTO {keys} (event_id, aggregate_type, aggregate_id, aggregate_version, global_position)
            SELECT event_id, {AggregateTypeParameter}, {AggregateIdParameter}, aggregate_version, global_position FROM appended
        )
        """;

    private void Bind(NpgsqlParameterCollection parameters, IReadOnlyList<Event> events, ExpectedVersion expectedVersion)
    {
        var count = events.Count;
        var ids = new Guid[count];
        var types = new string[count];
        var versions = new int[count];
        var payloads = new byte[count][];
        var metadata = new byte[]?[count];
        var traceIds = new string?[count];
        var correlationIds = new string?[count];
        var causationIds = new string?[count];
        var createdAt = new DateTime[count];
        for (var index = 0; index < count; index++)
        {
            var @event = events[index];
            ids[index] = @event.EventId;
            types[index] = @event.EventType;
            versions[index] = @event.EventVersion;
            payloads[index] = @event.Payload;
            metadata[index] = @event.Metadata;
            traceIds[index] = @event.TraceId.Value;
            correlationIds[index] = @event.CorrelationId.Value;
            causationIds[index] = @event.CausationId.Value;
            createdAt[index] = @event.CreatedAt.UtcDateTime;
        }

        var first = events[0];
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = first.AggregateType });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = first.AggregateId });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = expectedVersion.Value });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = count });
        parameters.Add(new NpgsqlParameter<Guid[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, TypedValue = ids });
        parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = types });
        parameters.Add(new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = versions });
        parameters.Add(new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = payloads });
        parameters.Add(new NpgsqlParameter<byte[]?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = metadata });
        parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = traceIds });
        parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = correlationIds });
        parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = causationIds });
        parameters.Add(new NpgsqlParameter<DateTime[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, TypedValue = createdAt });
        if (_notifyChannel is not null)
        {
            parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = _notifyChannel });
        }
    }

    /// <summary>
    /// The version the statement's snapshot showed. When it equals what was expected, the head moved in a transaction
    /// that committed while this one waited for the row, so the true version is not known.
    /// </summary>
    private static long? ActualVersion(ExpectedVersion expected, long? visibleHead) => visibleHead switch
    {
        null when expected.IsExact => 0,
        null => null,
        { } head when head == expected.Value => null,
        { } head => head,
    };

    private static PersistedEvent Persist(Event @event, long globalPosition, long aggregateVersion) => new()
    {
        GlobalPosition = globalPosition,
        AggregateVersion = aggregateVersion,
        AggregateType = @event.AggregateType,
        AggregateId = @event.AggregateId,
        EventId = @event.EventId,
        EventType = @event.EventType,
        EventVersion = @event.EventVersion,
        Payload = @event.Payload,
        Metadata = @event.Metadata,
        // The column keeps microseconds; report what a read will return.
        CreatedAt = TruncateToMicroseconds(@event.CreatedAt),
        TraceId = @event.TraceId,
        CorrelationId = @event.CorrelationId,
        CausationId = @event.CausationId,
    };

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new DateTimeOffset(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>
    /// Another transaction stored one of the ids after this statement's snapshot was taken. The server's detail, which
    /// would name it, is redacted unless the connection string asks for it, so a batch of several cannot say which one.
    /// </summary>
    private static DuplicateEventException ConcurrentDuplicate(IReadOnlyList<Event> events, PostgresException error)
    {
        var first = events[0];
        if (events.Count == 1)
        {
            return new DuplicateEventException(first.EventId,
                $"Event id {first.EventId} was stored by a concurrent transaction, so this append to {first.AggregateType}/{first.AggregateId} stored nothing.",
                error);
        }

        return new DuplicateEventException(Guid.Empty,
            $"One of the {events.Count} event ids of this append to {first.AggregateType}/{first.AggregateId} was stored by a concurrent transaction, so this append stored nothing: " +
            string.Join(", ", events.Select(@event => @event.EventId)),
            error);
    }
}
