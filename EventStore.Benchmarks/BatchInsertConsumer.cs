using System.Data;
using EventStore.Consumers;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>The same read model as <see cref="RowPerEventConsumer"/>, written with one unnest INSERT per batch.</summary>
internal sealed class BatchInsertConsumer(string name, string aggregateType, CatchUpProgress progress) : IBatchConsumer, IScopedConsumer
{
    public string Name => name;

    public IReadOnlyCollection<string> AggregateTypes => [aggregateType];

    public async Task HandleBatchAsync(IDbTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        await using var command = ReadModelTable.InsertBatch((NpgsqlTransaction)transaction, events);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        progress.Handled(events.Count);
    }
}
