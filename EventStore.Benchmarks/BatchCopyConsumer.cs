using System.Data;
using EventStore.Consumers;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>The same read model as <see cref="BatchInsertConsumer"/>, written with one binary COPY per batch.</summary>
internal sealed class BatchCopyConsumer(string name, string aggregateType, CatchUpProgress progress) : IBatchConsumer, IScopedConsumer
{
    public string Name => name;

    public IReadOnlyCollection<string> AggregateTypes => [aggregateType];

    public async Task HandleBatchAsync(IDbTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        await ReadModelTable.CopyAsync((NpgsqlTransaction)transaction, events, cancellationToken).ConfigureAwait(false);
        progress.Handled(events.Count);
    }
}
