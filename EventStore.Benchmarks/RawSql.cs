using Npgsql;
using NpgsqlTypes;

namespace EventStore.Benchmarks;

/// <summary>
/// The baseline: the plainest SQL that writes and reads the same rows as the store, by hand with Npgsql, prepared
/// like the store's statements so that the comparison is of the work done and not of who prepares.
/// </summary>
internal static class RawSql
{
    // One round trip: the head upsert (Any semantics) feeds the versions of a multi-row INSERT from unnest.
    private const string AppendSql = """
        WITH head AS (
            INSERT INTO aggregate_heads AS h (aggregate_type, aggregate_id, aggregate_version, updated_at)
            VALUES ($1, $2, $3, now())
            ON CONFLICT (aggregate_type, aggregate_id)
            DO UPDATE SET aggregate_version = h.aggregate_version + EXCLUDED.aggregate_version, updated_at = EXCLUDED.updated_at
            RETURNING aggregate_version
        )
        INSERT INTO events (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, metadata, created_at)
        SELECT $1, $2, head.aggregate_version - $3 + e.ordinal, e.event_id, $4, e.payload, e.metadata, $7
        FROM head CROSS JOIN unnest($5::uuid[], $6::bytea[], $8::jsonb[]) WITH ORDINALITY AS e(event_id, payload, metadata, ordinal)
        """;

    // The naive append without a head table: version = max + 1, and the unique key rejects a racing writer.
    private const string AppendMaxPlusOneSql = """
        INSERT INTO events (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, metadata, created_at)
        SELECT $1, $2, coalesce(max(aggregate_version), 0) + 1, $3, $4, $5, $6::jsonb, now()
        FROM events WHERE aggregate_type = $1 AND aggregate_id = $2
        """;

    private const string Columns = """
        global_position, aggregate_type, aggregate_id, aggregate_version, event_id, event_type, event_version, payload,
        metadata, created_at, trace_id, correlation_id, causation_id
        """;

    private const string ReadStreamSql =
        $"SELECT {Columns} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY aggregate_version";

    private const string ReadPageSql =
        $"SELECT {Columns} FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2";

    public static async Task AppendAsync(NpgsqlConnection connection, IReadOnlyList<Event> events)
    {
        var ids = new Guid[events.Count];
        var payloads = new byte[events.Count][];
        var metadata = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            ids[i] = events[i].EventId;
            payloads[i] = events[i].Payload;
            metadata[i] = SampleEvents.MetadataText;
        }

        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(AppendSql, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = events[0].AggregateType },
                new NpgsqlParameter<string> { TypedValue = events[0].AggregateId },
                new NpgsqlParameter<long> { TypedValue = events.Count },
                new NpgsqlParameter<string> { TypedValue = events[0].EventType },
                new NpgsqlParameter<Guid[]> { TypedValue = ids },
                new NpgsqlParameter<byte[][]> { TypedValue = payloads },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = events[0].CreatedAt },
                new NpgsqlParameter<string[]> { TypedValue = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
            },
        };
        await command.PrepareAsync().ConfigureAwait(false);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public static async Task AppendMaxPlusOneAsync(NpgsqlConnection connection, string aggregateId)
    {
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(AppendMaxPlusOneSql, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = SampleEvents.AggregateType },
                new NpgsqlParameter<string> { TypedValue = aggregateId },
                new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() },
                new NpgsqlParameter<string> { TypedValue = SampleEvents.EventType },
                new NpgsqlParameter<byte[]> { TypedValue = SampleEvents.Payload },
                new NpgsqlParameter<string> { TypedValue = SampleEvents.MetadataText },
            },
        };
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
