namespace EventStore.Consumers;

/// <summary>
/// A consumer split into partitions by a stable hash of the aggregate id, so that several processor instances share
/// it: each partition has its own checkpoint and lease, and every aggregate's events stay in one partition, in order.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><description>Partition <c>k</c> of <see cref="PartitionCount"/> receives the events whose aggregate id hashes
/// to <c>k</c>, in global-position order; one aggregate's events therefore arrive in version order, while events of
/// different partitions are handled concurrently and in no order relative to each other.</description></item>
/// <item><description>The instances running the consumer share its partitions fairly and rebalance as instances come
/// and go; see "Partitioned consumers" in docs/consumers.md for the bounds.</description></item>
/// <item><description>Changing <see cref="PartitionCount"/> moves aggregates between partitions, so the processor
/// refuses to start on checkpoints of another count: it is a rebuild, described in the same section.</description></item>
/// </list>
/// The handler may be called for several partitions at once, each on its own transaction, so it must be thread-safe.
/// Composes with <see cref="IScopedConsumer"/> and <see cref="IBatchConsumer"/>.
/// </remarks>
public interface IPartitionedConsumer : IConsumer
{
    /// <summary>Gets the number of partitions, from 1 to 64; it must stay the same for the life of the consumer's checkpoints.</summary>
    int PartitionCount { get; }
}
