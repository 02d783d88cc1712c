using Npgsql;
using NpgsqlTypes;

namespace EventStore.Benchmarks;

/// <summary>
/// The catch-up run's read model, a row per event keyed by its id, and the three ways its consumers write it: a row per
/// statement, a batch per statement with the columns sent as arrays and unnested by the server, or a batch per binary
/// COPY.
/// </summary>
internal static class ReadModelTable
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS catch_up_model (
            event_id        UUID   PRIMARY KEY,
            global_position BIGINT NOT NULL,
            aggregate_id    TEXT   NOT NULL,
            event_type      TEXT   NOT NULL
        );
        TRUNCATE catch_up_model
        """;

    private const string InsertOneSql =
        "INSERT INTO catch_up_model (event_id, global_position, aggregate_id, event_type) VALUES ($1, $2, $3, $4)";

    private const string InsertBatchSql = """
        INSERT INTO catch_up_model (event_id, global_position, aggregate_id, event_type)
        SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[])
        """;

    private const string CopySql = "COPY catch_up_model (event_id, global_position, aggregate_id, event_type) FROM STDIN (FORMAT BINARY)";

    public static NpgsqlCommand InsertOne(NpgsqlTransaction transaction, PersistedEvent @event) =>
        new(InsertOneSql, transaction.Connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = @event.EventId },
                new NpgsqlParameter<long> { TypedValue = @event.GlobalPosition },
                new NpgsqlParameter<string> { TypedValue = @event.AggregateId },
                new NpgsqlParameter<string> { TypedValue = @event.EventType },
            },
        };

    public static NpgsqlCommand InsertBatch(NpgsqlTransaction transaction, IReadOnlyList<PersistedEvent> events)
    {
        var ids = new Guid[events.Count];
        var positions = new long[events.Count];
        var aggregateIds = new string[events.Count];
        var eventTypes = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            (ids[i], positions[i], aggregateIds[i], eventTypes[i]) = (events[i].EventId, events[i].GlobalPosition, events[i].AggregateId, events[i].EventType);
        }

        return new NpgsqlCommand(InsertBatchSql, transaction.Connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid[]> { TypedValue = ids },
                new NpgsqlParameter<long[]> { TypedValue = positions },
                new NpgsqlParameter<string[]> { TypedValue = aggregateIds },
                new NpgsqlParameter<string[]> { TypedValue = eventTypes },
            },
        };
    }

    public static async Task CopyAsync(NpgsqlTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        var import = await transaction.Connection!.BeginBinaryImportAsync(CopySql, cancellationToken).ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            foreach (var @event in events)
            {
                await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await import.WriteAsync(@event.EventId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await import.WriteAsync(@event.GlobalPosition, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await import.WriteAsync(@event.AggregateId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await import.WriteAsync(@event.EventType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
