using EventStore.Consumers;

namespace EventStore.Tests.Consumers;

/// <summary>A <see cref="SeenConsumer"/> split into <paramref name="partitionCount"/> partitions.</summary>
internal sealed class PartitionedSeenConsumer(int partitionCount, string name = SeenConsumer.DefaultName) : SeenConsumer(name), IPartitionedConsumer
{
    public int PartitionCount { get; } = partitionCount;
}
