using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>
/// The baseline: the plainest SQL that writes and reads the same rows as the store, by hand with Npgsql, prepared
/// like the store's statements so that the comparison is of the work done and not of who prepares.
/// </summary>
internal static class RawSql
{
    // The two-table design's floor: what our append must do at the least, as one statement. The head upsert takes the
    // aggregate's row lock (a new row's unique key entry, or the existing row's lock for the update), so concurrent
    // appends to one aggregate wait for each other and then read the version the first one committed; the events get
    // the versions after it, in order, and take global positions in that order too (the ORDER BY), as ours do, so the log
    // lists a batch as it was written. Unlike ours it does not look up stored event ids (no idempotent retries) and
    // returns no rows, and it supports Any only.
    private const string TwoTablesAppendSql = """
        WITH head AS (
            INSERT INTO aggregate_heads AS h (aggregate_type, aggregate_id, aggregate_version)
            VALUES ($1, $2, $3)
            ON CONFLICT (aggregate_type, aggregate_id)
            DO UPDATE SET aggregate_version = h.aggregate_version + EXCLUDED.aggregate_version, updated_at = now()
            RETURNING aggregate_version
        )
        INSERT INTO events (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, metadata, created_at)
        SELECT $1, $2, head.aggregate_version - $3 + e.ordinal, e.event_id, e.event_type, e.payload, e.metadata, $8
        FROM head CROSS JOIN unnest($4::uuid[], $5::text[], $6::bytea[], $7::jsonb[]) WITH ORDINALITY AS e(event_id, event_type, payload, metadata, ordinal)
        ORDER BY e.ordinal
        """;

    // The naive append without a head table: versions follow max + 1, with no lock, so the unique key rejects a racing
    // writer. It shows what the head row costs, and the contention run shows what leaving it out breaks.
    private const string SingleTableAppendSql = """
        INSERT INTO events (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, metadata, created_at)
        SELECT $1, $2, last.version + e.ordinal, e.event_id, e.event_type, e.payload, e.metadata, $7
        FROM (SELECT coalesce(max(aggregate_version), 0) AS version FROM events WHERE aggregate_type = $1 AND aggregate_id = $2) AS last
        CROSS JOIN unnest($3::uuid[], $4::text[], $5::bytea[], $6::jsonb[]) WITH ORDINALITY AS e(event_id, event_type, payload, metadata, ordinal)
        ORDER BY e.ordinal
        """;

    private const string Columns = """
        global_position, aggregate_type, aggregate_id, aggregate_version, event_id, event_type, event_version, payload,
        metadata, created_at, trace_id, correlation_id, causation_id
        """;

    private const string ReadStreamSql =
        $"SELECT {Columns} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY aggregate_version";

    private const string ReadPageSql =
        $"SELECT {Columns} FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2";

    public static async Task AppendTwoTablesAsync(NpgsqlConnection connection, IReadOnlyList<Event> events)
    {
        var columns = new EventColumns(events);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(TwoTablesAppendSql, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = events[0].AggregateType },
                new NpgsqlParameter<string> { TypedValue = events[0].AggregateId },
                new NpgsqlParameter<long> { TypedValue = events.Count },
            },
        };
        columns.AddTo(command.Parameters, events[0].CreatedAt);
        await command.PrepareAsync().ConfigureAwait(false);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public static async Task AppendSingleTableAsync(NpgsqlConnection connection, IReadOnlyList<Event> events)
    {
        var columns = new EventColumns(events);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(SingleTableAppendSql, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = events[0].AggregateType },
                new NpgsqlParameter<string> { TypedValue = events[0].AggregateId },
            },
        };
        columns.AddTo(command.Parameters, events[0].CreatedAt);
        await command.PrepareAsync().ConfigureAwait(false);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public static async Task<List<PersistedEvent>> ReadStreamAsync(NpgsqlConnection connection, string aggregateType, string aggregateId)
    {
        await using var command = new NpgsqlCommand(ReadStreamSql, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = aggregateType },
                new NpgsqlParameter<string> { TypedValue = aggregateId },
            },
        };
        return await ReadAllAsync(command).ConfigureAwait(false);
    }

    public static async Task<List<PersistedEvent>> ReadPageAsync(NpgsqlConnection connection, long fromPosition, int limit)
    {
        await using var command = new NpgsqlCommand(ReadPageSql, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<long> { TypedValue = fromPosition },
                new NpgsqlParameter<int> { TypedValue = limit },
            },
        };
        return await ReadAllAsync(command).ConfigureAwait(false);
    }

    private static async Task<List<PersistedEvent>> ReadAllAsync(NpgsqlCommand command)
    {
        await command.PrepareAsync().ConfigureAwait(false);
        var events = new List<PersistedEvent>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            events.Add(new PersistedEvent
            {
                GlobalPosition = reader.GetInt64(0),
                AggregateType = reader.GetString(1),
                AggregateId = reader.GetString(2),
                AggregateVersion = reader.GetInt64(3),
                EventId = reader.GetGuid(4),
                EventType = reader.GetString(5),
                EventVersion = reader.GetInt32(6),
                Payload = reader.GetFieldValue<byte[]>(7),
                Metadata = reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(9),
                TraceId = reader.IsDBNull(10) ? null : reader.GetString(10),
                CorrelationId = reader.IsDBNull(11) ? null : reader.GetString(11),
                CausationId = reader.IsDBNull(12) ? null : reader.GetString(12),
            });
        }

        return events;
    }
}
