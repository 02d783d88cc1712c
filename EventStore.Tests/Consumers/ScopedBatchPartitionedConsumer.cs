using System.Collections.Concurrent;
using System.Data;
using EventStore.Consumers;

namespace EventStore.Tests.Consumers;

/// <summary>A <see cref="SeenConsumer"/> split into partitions, scoped to some aggregate types, that takes its events a batch at a time.</summary>
internal sealed class ScopedBatchPartitionedConsumer(int partitionCount, string name, params string[] aggregateTypes)
    : SeenConsumer(name), IPartitionedConsumer, IScopedConsumer, IBatchConsumer
{
    public int PartitionCount { get; } = partitionCount;

    public IReadOnlyCollection<string> AggregateTypes { get; } = aggregateTypes;

    /// <summary>The size of every batch handed over, including batches that later rolled back.</summary>
    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public async Task HandleBatchAsync(IDbTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        BatchSizes.Enqueue(events.Count);
        foreach (var @event in events)
        {
            await HandleAsync(transaction, @event, cancellationToken);
        }
    }
}
