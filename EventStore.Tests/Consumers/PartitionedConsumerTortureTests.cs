using System.Diagnostics;
using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Four instances share a consumer of eight partitions while writers race on many aggregates and roll some
/// transactions back. One instance is killed mid-run and, once the others have taken its partitions over, a fifth
/// joins. Every committed event must still be handled exactly once, each aggregate in version order, and every
/// partition must end at the same frontier.
/// </summary>
/// <remarks>
/// The kill is in-process, so that the test can watch it: the instance's handlers freeze mid-batch, its data source is
/// disposed so it can open nothing more, and its server sessions are terminated, as a crash would end them. It cannot
/// release a lease or leave the membership, so the others must wait for what a crash leaves: its sessions' end with
/// advisory locks, its leases' and membership's expiry with table leases.
/// </remarks>
[TestFixtureSource(nameof(Setups))]
public sealed class PartitionedConsumerTortureTests(ProcessorSetup setup)
{
    private const int Partitions = 8;
    private const int Writers = 6;
    private static readonly TimeSpan WriteFor = TimeSpan.FromSeconds(14);
    private static readonly TimeSpan KillAt = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly string[] Aggregates = [.. Enumerable.Range(1, 40).Select(number => $"order-{number}")];

    /// <summary>Each lease mode on the route it is meant for.</summary>
    public static IEnumerable<TestFixtureData> Setups =>
    [
        new TestFixtureData(ProcessorSetup.Default),
        new TestFixtureData(new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.PgBouncer)),
    ];

    [Test]
    public async Task With_an_instance_killed_and_another_added_mid_run_every_committed_event_is_handled_once_in_aggregate_order()
    {
        var seed = Environment.TickCount;
        await TestContext.Out.WriteLineAsync($"Random seed: {seed}");
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        var consumers = new Dictionary<string, PartitionedSeenConsumer>();
        foreach (var instance in new[] { "instance-a", "instance-b", "instance-c", "instance-d" })
        {
            consumers[instance] = new PartitionedSeenConsumer(Partitions);
            db.Start(instance, consumers[instance]);
        }

        var ledger = new AppendLedger();
        var clock = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, Writers).Select(writer => WriteUntilAsync(db, ledger, new Random(seed + writer), clock)).ToList();
        var thaw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await Task.Delay(KillAt);
            var partitionOf = await PartitionState.PartitionsAsync(db, Partitions);
            var victimPartitions = await LatestHoldingsAsync(db, partitionOf, "instance-d");
            victimPartitions.ShouldNotBeEmpty("the victim held partitions before it died");
            var killedAt = await KillAsync(db, consumers["instance-d"], thaw.Task);

            var tookOver = await WaitForOthersAsync(db, partitionOf, victimPartitions, killedAt, "instance-d");
            await TestContext.Out.WriteLineAsync(
                $"{setup}: partitions {string.Join(", ", victimPartitions)} of the killed instance progressed elsewhere {(tookOver - killedAt).TotalMilliseconds:0} ms after the kill.");
            var addedAt = await ServerClockAsync(db);
            consumers["instance-e"] = new PartitionedSeenConsumer(Partitions);
            db.Start("instance-e", consumers["instance-e"]);
            var share = (Partitions + 3) / 4;
            var newcomerAtShare = await WaitForShareAsync(db, partitionOf, "instance-e", share, addedAt);
            await TestContext.Out.WriteLineAsync(
                $"{setup}: the newcomer handled events of {share} partitions (its fair share) {(newcomerAtShare - addedAt).TotalMilliseconds:0} ms after it started.");

            await Task.WhenAll(writers);
            var seen = await db.WaitUntilSeenAsync(ledger.CommittedEvents, Bound);
            var checkpoints = await PartitionState.WaitForFrontierAsync(db, Partitions, Bound);

            var committed = ledger.CommittedEvents;
            await TestContext.Out.WriteLineAsync($"{committed.Count} events committed, {ledger.RolledBackIds.Count} rolled back; handled by: " +
                string.Join(", ", seen.GroupBy(row => row.Instance).OrderBy(group => group.Key).Select(group => $"{group.Key} {group.Count()}")));
            committed.Count.ShouldBeGreaterThan(300);
            ledger.RolledBackIds.Count.ShouldBeGreaterThan(10);
            seen.Count.ShouldBe(committed.Count);
            seen.Select(row => row.EventId).ToHashSet().SetEquals(ledger.CommittedIds).ShouldBeTrue();
            seen.Where(row => ledger.RolledBackIds.Contains(row.EventId)).ShouldBeEmpty();
            foreach (var aggregate in seen.GroupBy(row => row.AggregateId))
            {
                aggregate.OrderBy(row => row.Seq).Select(row => row.AggregateVersion)
                    .ShouldBe(Enumerable.Range(1, aggregate.Count()).Select(version => (long)version), $"aggregate {aggregate.Key} in handling order");
            }

            checkpoints.Count.ShouldBe(Partitions);
        }
        finally
        {
            thaw.TrySetResult();
            await Task.WhenAll(writers).WaitAsync(Bound);
        }
    }

    /// <summary>
    /// Appends to one or two aggregates per transaction, two in a fixed order so writers never deadlock on head rows,
    /// pauses before the end, and rolls one transaction in five back.
    /// </summary>
    /// <remarks>
    /// Through PgBouncer the kill ends the server sessions last named by the victim, and one of them may just have been
    /// handed to a writer; that writer's transaction is cut, so the writer settles it from the log and reconnects.
    /// </remarks>
    private static async Task WriteUntilAsync(ConsumerDatabase db, AppendLedger ledger, Random random, Stopwatch clock)
    {
        var connection = await db.OpenConnectionAsync();
        try
        {
            while (clock.Elapsed < WriteFor)
            {
                var appends = new List<AppendResult>();
                try
                {
                    await WriteOneAsync(db, connection, ledger, random, appends);
                }
                catch (NpgsqlException cut) when (cut.IsTransient)
                {
                    await SettleAsync(db, ledger, appends);
                    await connection.DisposeAsync();
                    connection = await db.OpenConnectionAsync();
                }
            }
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task WriteOneAsync(ConsumerDatabase db, NpgsqlConnection connection, AppendLedger ledger, Random random, List<AppendResult> appends)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var first = random.Next(Aggregates.Length);
        var picked = random.Next(3) == 0 && first < Aggregates.Length - 1 ? new[] { first, random.Next(first + 1, Aggregates.Length) } : [first];
        foreach (var aggregate in picked)
        {
            appends.Add(await db.Store.Store.AppendAsync(transaction, ExpectedVersion.Any, Events("Order", Aggregates[aggregate], random.Next(1, 4))));
        }

        await Task.Delay(random.Next(0, 30));
        if (random.Next(5) == 0)
        {
            await transaction.RollbackAsync();
            ledger.RolledBack(appends);
        }
        else
        {
            await transaction.CommitAsync();
            ledger.Committed(appends);
        }
    }

    /// <summary>A cut transaction committed or not as a whole; the log says which.</summary>
    private static async Task SettleAsync(ConsumerDatabase db, AppendLedger ledger, List<AppendResult> appends)
    {
        if (appends.Count == 0)
        {
            return;
        }

        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT FROM events WHERE event_id = @id)", connection);
        command.Parameters.AddWithValue("id", appends[0].Events[0].EventId);
        if ((bool)(await command.ExecuteScalarAsync())!)
        {
            ledger.Committed(appends);
        }
        else
        {
            ledger.RolledBack(appends);
        }
    }

    /// <summary>
    /// Freezes the instance's handlers, disposes its data source and ends its server sessions; returns the server's
    /// clock when they first ended.
    /// </summary>
    private static async Task<DateTime> KillAsync(ConsumerDatabase db, SeenConsumer consumer, Task thaw)
    {
        consumer.BeforeInsert = async (_, _) => await thaw;
        var victim = db.Processors.Single(processor => processor.Instance == "instance-d");
        await victim.DataSource.DisposeAsync();
        await using var observer = await db.OpenConnectionAsync();
        (await victim.TerminateSessionsAsync(observer)).ShouldBeGreaterThan(0);
        var killedAt = await ServerClockAsync(db);
        // A connection the pool was opening as the data source closed can still arrive; a crash would end it too.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            await victim.TerminateSessionsAsync(observer);
        }

        return killedAt;
    }

    /// <summary>The partitions whose most recent events an instance handled.</summary>
    private static async Task<List<int>> LatestHoldingsAsync(ConsumerDatabase db, Dictionary<string, int> partitionOf, string instance)
    {
        var seen = await db.SeenAsync();
        return [.. seen.GroupBy(row => partitionOf[row.AggregateId])
            .Where(partition => partition.MaxBy(row => row.Seq)!.Instance == instance)
            .Select(partition => partition.Key)
            .Order()];
    }

    /// <summary>Waits until another instance has handled an event of each of the victim's partitions since the kill; returns the latest first one.</summary>
    private static async Task<DateTime> WaitForOthersAsync(
        ConsumerDatabase db, Dictionary<string, int> partitionOf, List<int> partitions, DateTime since, string victim)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var firsts = (await db.SeenAsync())
                .Where(row => row.SeenAt > since && row.Instance != victim && partitionOf.ContainsKey(row.AggregateId))
                .GroupBy(row => partitionOf[row.AggregateId])
                .ToDictionary(partition => partition.Key, partition => partition.Min(row => row.SeenAt));
            if (partitions.All(firsts.ContainsKey))
            {
                return partitions.Max(partition => firsts[partition]);
            }

            clock.Elapsed.ShouldBeLessThan(Bound, $"partitions {string.Join(", ", partitions.Where(p => !firsts.ContainsKey(p)))} were not taken over");
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

    /// <summary>Waits until the newcomer has handled events of <paramref name="share"/> partitions; returns when it first had.</summary>
    private static async Task<DateTime> WaitForShareAsync(ConsumerDatabase db, Dictionary<string, int> partitionOf, string newcomer, int share, DateTime since)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var firsts = (await db.SeenAsync())
                .Where(row => row.SeenAt > since && row.Instance == newcomer && partitionOf.ContainsKey(row.AggregateId))
                .GroupBy(row => partitionOf[row.AggregateId])
                .Select(partition => partition.Min(row => row.SeenAt))
                .Order()
                .ToList();
            if (firsts.Count >= share)
            {
                return firsts[share - 1];
            }

            if (clock.Elapsed > Bound)
            {
                var members = await PartitionState.MembersAsync(db);
                Assert.Fail($"{newcomer} handled events of only {firsts.Count} partitions; the members say they hold {string.Join(", ", members.Values)}; " +
                            $"the log has: {string.Join("; ", db.Log.Entries.Where(entry => entry.Message.Contains("Partition", StringComparison.Ordinal) || entry.Message.Contains("processed by", StringComparison.Ordinal)).TakeLast(30).Select(entry => entry.Message))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

    private static async Task<DateTime> ServerClockAsync(ConsumerDatabase db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }
}
