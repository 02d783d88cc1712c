using System.Collections.Concurrent;
using System.Data;
using EventStore.Consumers;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>
/// A batch consumer that records each batch in the <c>seen</c> table with one <c>INSERT ... SELECT FROM unnest(...)</c>
/// inside the transaction it is given, so the table holds exactly what the processor committed. Like
/// <see cref="SeenConsumer"/> it may be scoped; empty filters, the default, receive every event.
/// </summary>
internal sealed class BatchSeenConsumer(string name = SeenConsumer.DefaultName) : IBatchConsumer, IScopedConsumer
{
    // The columns arrive as one array each; ORDER BY keeps the rows' seq in the batch's order.
    private const string Insert = """
        INSERT INTO seen (consumer, event_id, global_position, aggregate_type, aggregate_id, aggregate_version)
        SELECT @consumer, e.event_id, e.global_position, e.aggregate_type, e.aggregate_id, e.aggregate_version
        FROM unnest(@event_ids, @global_positions, @aggregate_types, @aggregate_ids, @aggregate_versions)
             AS e (event_id, global_position, aggregate_type, aggregate_id, aggregate_version)
        ORDER BY e.global_position
        """;

    public string Name { get; } = name;

    public IReadOnlyCollection<string> AggregateTypes { get; init; } = [];

    public IReadOnlyCollection<string> EventTypes { get; init; } = [];

    /// <summary>Every batch the handler was called with, in call order, including batches that later rolled back.</summary>
    public ConcurrentQueue<IReadOnlyList<PersistedEvent>> Batches { get; } = new();

    /// <summary>Batches whose insert hit the table's key: a committed event delivered again.</summary>
    public ConcurrentQueue<IReadOnlyList<PersistedEvent>> Duplicates { get; } = new();

    /// <summary>Runs before the insert; a test awaits in it to stall the handler.</summary>
    public Func<IReadOnlyList<PersistedEvent>, CancellationToken, Task>? BeforeInsert { get; set; }

    /// <summary>Runs after the insert; a test throws from it to fail a batch whose rows are already written.</summary>
    public Action<IReadOnlyList<PersistedEvent>>? AfterInsert { get; set; }

    public async Task HandleBatchAsync(IDbTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        Batches.Enqueue([.. events]);
        if (BeforeInsert is { } beforeInsert)
        {
            await beforeInsert(events, cancellationToken);
        }

        var npgsqlTransaction = (NpgsqlTransaction)transaction;
        await using var command = new NpgsqlCommand(Insert, npgsqlTransaction.Connection, npgsqlTransaction);
        command.Parameters.AddWithValue("consumer", Name);
        command.Parameters.AddWithValue("event_ids", events.Select(e => e.EventId).ToArray());
        command.Parameters.AddWithValue("global_positions", events.Select(e => e.GlobalPosition).ToArray());
        command.Parameters.AddWithValue("aggregate_types", events.Select(e => e.AggregateType).ToArray());
        command.Parameters.AddWithValue("aggregate_ids", events.Select(e => e.AggregateId).ToArray());
        command.Parameters.AddWithValue("aggregate_versions", events.Select(e => e.AggregateVersion).ToArray());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            Duplicates.Enqueue([.. events]);
            throw;
        }

        AfterInsert?.Invoke(events);
    }
}
