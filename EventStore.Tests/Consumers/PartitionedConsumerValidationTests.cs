using EventStore.Consumers;
using EventStore.Dapper;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>A partition count out of range, or a name that could be taken for a partition's row, is refused when the processor is made.</summary>
public sealed class PartitionedConsumerValidationTests
{
    [TestCase(0)]
    [TestCase(-3)]
    [TestCase(65)]
    public async Task A_partition_count_out_of_range_is_refused_naming_the_consumer_and_the_range(int count)
    {
        var refusal = await RefusalAsync(new PartitionedSeenConsumer(count, "orders"));

        refusal.Message.ShouldContain($"Consumer orders has PartitionCount {count}");
        refusal.Message.ShouldContain("from 1 to 64");
    }

    [TestCase("orders[0/2]")]
    [TestCase("orders]")]
    public async Task A_name_ending_like_a_partitions_row_is_refused_for_any_consumer(string name)
    {
        var partitioned = await RefusalAsync(new PartitionedSeenConsumer(2, name));
        var unpartitioned = await RefusalAsync(new SeenConsumer(name));

        partitioned.Message.ShouldContain($"'{name}' ends in ']'");
        unpartitioned.Message.ShouldContain("Choose a name that does not end in ']'");
    }

    [TestCase(1)]
    [TestCase(64)]
    public async Task The_bounds_of_the_range_are_accepted(int count)
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost;Database=never_opened");
        Should.NotThrow(() => new ConsumerProcessor(dataSource, [new PartitionedSeenConsumer(count, "orders[0]x")]));
    }

    private static async Task<ArgumentException> RefusalAsync(IConsumer consumer)
    {
        // The processor checks its consumers before it connects, so the server named here is never reached.
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost;Database=never_opened");
        return Should.Throw<ArgumentException>(() => new ConsumerProcessor(dataSource, [consumer]));
    }
}
