using System.Globalization;
using EventStore.Consumers;

namespace EventStore.Dapper;

/// <summary>The checks a consumer's name and partition count pass before the processor is made.</summary>
internal static class PartitionValidation
{
    /// <summary>
    /// The most partitions a consumer may have. Each partition's batch reads about this many times the rows it returns,
    /// and each held partition costs a worker, and with advisory locks a connection, per instance.
    /// </summary>
    public const int MaxPartitions = 64;

    /// <exception cref="ArgumentException">The name could be taken for a partition's row, or the partition count is out of range.</exception>
    public static void Validate(IConsumer consumer, string parameter)
    {
        // Partition rows are named name[k/n], and operations by consumer name reach every row shaped so.
        if (consumer.Name.EndsWith(']'))
        {
            throw new ArgumentException(
                $"Consumer name '{consumer.Name}' ends in ']', which is kept for the checkpoint rows of partitions (name[k/n]), so it could " +
                "collide with another consumer's partitions. Choose a name that does not end in ']'.", parameter);
        }

        if (consumer is IPartitionedConsumer { PartitionCount: < 1 or > MaxPartitions } partitioned)
        {
            throw new ArgumentException(
                $"Consumer {consumer.Name} has PartitionCount {partitioned.PartitionCount.ToString(CultureInfo.InvariantCulture)}; it must be " +
                $"from 1 to {MaxPartitions.ToString(CultureInfo.InvariantCulture)}. More partitions make every batch read more rows it " +
                "skips; run more consumers, or fewer partitions, instead.", parameter);
        }
    }
}
