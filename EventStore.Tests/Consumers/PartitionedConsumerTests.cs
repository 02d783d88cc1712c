using System.Diagnostics;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// A consumer split into partitions by a hash of the aggregate id: each partition gets its own aggregates in batches of
/// its own, the instances running it share the partitions, and checkpoints of another partition count are refused.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class PartitionedConsumerTests(ProcessorSetup setup)
{
    private const int Count = 4;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>The values of hashtextextended(..., 0) on PostgreSQL 15 (x86-64) when the partition hash was chosen; the last is negative.</summary>
    private static readonly long[] PinnedHashes = [4600028448891172555, 3861437294272113315, -6939563903564495251];

    // Fixed ids, so that every partition surely has aggregates; each test has a database of its own.
    private static readonly string[] Aggregates = [.. Enumerable.Range(1, 24).Select(number => $"order-{number}")];

    [Test]
    public async Task Each_partition_gets_the_aggregates_that_hash_to_it_in_batches_of_its_own_and_every_partition_reaches_the_frontier()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        var appended = await AppendRoundAsync(db);
        db.Start("instance-a", new PartitionedSeenConsumer(Count));

        var seen = await db.WaitUntilSeenAsync(appended, Bound);
        var partitionOf = await PartitionState.PartitionsAsync(db, Count);
        var checkpoints = await PartitionState.WaitForFrontierAsync(db, Count, Bound);

        seen.Count.ShouldBe(appended.Count);
        partitionOf.Values.Distinct().Count().ShouldBe(Count, "every partition has aggregates");
        seen.GroupBy(row => row.TransactionId).ShouldAllBe(batch => batch.Select(row => partitionOf[row.AggregateId]).Distinct().Count() == 1);
        ShouldBeInVersionOrder(seen);
        checkpoints.Keys.ShouldBe(Enumerable.Range(0, Count).Select(k => $"{SeenConsumer.DefaultName}[{k}/{Count}]"), ignoreOrder: true);
    }

    [Test]
    public async Task A_scoped_batch_consumer_in_partitions_gets_only_its_types_in_batches_of_one_partition_while_every_checkpoint_passes_the_rest()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var orders = await AppendRoundAsync(db);
        foreach (var aggregate in Aggregates)
        {
            await db.AppendAsync(Events("Invoice", aggregate, 2));
        }

        var consumer = new ScopedBatchPartitionedConsumer(Count, "orders", "Order");
        db.Start("instance-a", consumer);

        var seen = await db.WaitUntilSeenAsync(orders, Bound, "orders");
        var partitionOf = await PartitionState.PartitionsAsync(db, Count);
        var checkpoints = await PartitionState.WaitForFrontierAsync(db, Count, Bound, "orders");

        seen.Select(row => row.EventId).ShouldBe(orders.Select(e => e.EventId), ignoreOrder: true);
        seen.GroupBy(row => row.TransactionId).ShouldAllBe(batch => batch.Select(row => partitionOf[row.AggregateId]).Distinct().Count() == 1);
        consumer.BatchSizes.Max().ShouldBeGreaterThan(1, "the events came in batches");
        ShouldBeInVersionOrder(seen);
        checkpoints.Count.ShouldBe(Count);
    }

    /// <summary>
    /// The processor relies on the server's hash staying the same for the life of the checkpoints. PostgreSQL's hash
    /// partitioning relies on it too; pinned here, a server whose hash differs fails this test rather than a rebuild.
    /// </summary>
    [Test]
    public async Task The_hash_that_picks_partitions_gives_the_same_values_on_this_server_as_when_it_was_chosen()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT hashtextextended('order-1', 0), hashtextextended('Ünïcödé-42', 0), hashtextextended('', 0)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();

        new[] { reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2) }.ShouldBe(PinnedHashes);
    }

    [Test]
    public async Task A_newcomer_takes_its_fair_share_from_a_running_instance_and_each_partition_then_has_one_handler()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        var first = await AppendRoundAsync(db);
        db.Start("instance-a", new PartitionedSeenConsumer(Count));
        await db.WaitUntilSeenAsync(first, Bound);
        await WaitForMembersAsync(db, members => members.Count == 1 && members.Values.Single() == Count);

        var joinedAt = Stopwatch.GetTimestamp();
        db.Start("instance-b", new PartitionedSeenConsumer(Count));
        await WaitForMembersAsync(db, members => members.Count == 2 && members.Values.All(held => held == Count / 2));
        await TestContext.Out.WriteLineAsync($"instance-b held its share {Stopwatch.GetElapsedTime(joinedAt).TotalMilliseconds:0} ms after it started.");
        var second = await AppendRoundAsync(db);
        var seen = await db.WaitUntilSeenAsync(first.Concat(second), Bound);
        var partitionOf = await PartitionState.PartitionsAsync(db, Count);

        seen.Count.ShouldBe(first.Count + second.Count);
        ShouldBeInVersionOrder(seen);
        var secondIds = second.Select(e => e.EventId).ToHashSet();
        var handlers = seen.Where(row => secondIds.Contains(row.EventId))
            .GroupBy(row => partitionOf[row.AggregateId])
            .ToDictionary(partition => partition.Key, partition => partition.Select(row => row.Instance).Distinct().ToList());
        handlers.Values.ShouldAllBe(instances => instances.Count == 1);
        handlers.Values.Count(instances => instances[0] == "instance-b").ShouldBe(Count / 2);
    }

    [Test]
    public async Task Checkpoints_of_another_partition_count_or_of_the_unpartitioned_consumer_are_refused_naming_the_rows_and_the_rebuild()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var appended = await AppendRoundAsync(db);
        var old = db.Start("instance-a", new PartitionedSeenConsumer(2), new SeenConsumer("ledger"));
        await db.WaitUntilSeenAsync(appended, Bound);
        await db.WaitUntilSeenAsync(appended, Bound, "ledger");
        old.Cancel();
        await old.Run.WaitAsync(Bound);

        var recounted = db.Start("instance-b", new PartitionedSeenConsumer(Count));
        var partitionedLedger = db.Start("instance-c", new PartitionedSeenConsumer(Count, "ledger"));
        var unpartitioned = db.Start("instance-d", new SeenConsumer());
        var recountedRefusal = await Should.ThrowAsync<InvalidOperationException>(recounted.Run.WaitAsync(Bound));
        var ledgerRefusal = await Should.ThrowAsync<InvalidOperationException>(partitionedLedger.Run.WaitAsync(Bound));
        var unpartitionedRefusal = await Should.ThrowAsync<InvalidOperationException>(unpartitioned.Run.WaitAsync(Bound));

        recountedRefusal.Message.ShouldContain($"Consumer {SeenConsumer.DefaultName} is declared with {Count} partitions");
        recountedRefusal.Message.ShouldContain($"'{SeenConsumer.DefaultName}[0/2]', '{SeenConsumer.DefaultName}[1/2]'");
        recountedRefusal.Message.ShouldContain("\"Changing the partition count\"");
        ledgerRefusal.Message.ShouldContain("'ledger'");
        unpartitionedRefusal.Message.ShouldContain($"Consumer {SeenConsumer.DefaultName} is declared unpartitioned");
        (await PartitionState.CheckpointsAsync(db)).Keys.ShouldBe([$"{SeenConsumer.DefaultName}[0/2]", $"{SeenConsumer.DefaultName}[1/2]"], ignoreOrder: true);
        (await PartitionState.CheckpointsAsync(db, "ledger")).Keys.ShouldBe(["ledger"]);
    }

    /// <summary>Appends two events to every aggregate, each append in a committed transaction of its own.</summary>
    private static async Task<List<PersistedEvent>> AppendRoundAsync(ConsumerDatabase db)
    {
        var appended = new List<PersistedEvent>();
        foreach (var aggregate in Aggregates)
        {
            appended.AddRange(await db.AppendAsync(Events("Order", aggregate, 2)));
        }

        return appended;
    }

    private static void ShouldBeInVersionOrder(List<SeenRow> seen)
    {
        foreach (var aggregate in seen.GroupBy(row => row.AggregateId))
        {
            aggregate.OrderBy(row => row.Seq).Select(row => row.AggregateVersion)
                .ShouldBe(Enumerable.Range(1, aggregate.Count()).Select(version => (long)version), $"aggregate {aggregate.Key} in handling order");
        }
    }

    private static async Task WaitForMembersAsync(ConsumerDatabase db, Func<Dictionary<string, int>, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, int> members;
        while (!condition(members = await PartitionState.MembersAsync(db)))
        {
            clock.Elapsed.ShouldBeLessThan(Bound, $"the members hold {string.Join(", ", members.Values)} partitions");
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

}
