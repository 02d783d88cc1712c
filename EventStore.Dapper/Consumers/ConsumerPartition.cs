namespace EventStore.Dapper;

/// <summary>One partition of a partitioned consumer, as one worker of this instance runs it.</summary>
/// <param name="Index">Which partition, from 0.</param>
/// <param name="Count">How many partitions the consumer has.</param>
/// <param name="Balancer">This instance's share of the consumer's partitions, which the partition's lease asks before it takes or keeps it.</param>
internal sealed record ConsumerPartition(int Index, int Count, PartitionBalancer Balancer);
