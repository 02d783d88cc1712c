using System.Diagnostics;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Two instances run one consumer; only one may process it at a time. A writer appends steadily throughout, so the
/// instance that holds the consumer is always busy, and whatever happens to it the consumer must see every committed
/// event exactly once.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class TakeoverTests(ProcessorSetup setup)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TakesOverWithin = TimeSpan.FromSeconds(5);
    private static readonly string[] Instances = ["instance-a", "instance-b"];

    /// <summary>
    /// The holder dies as a frozen process would: its handler stops returning, its token is cancelled and its server
    /// sessions end, so it can neither finish its batch nor let go of the consumer cleanly.
    /// </summary>
    [Test]
    public async Task When_the_instance_holding_the_consumer_dies_the_other_takes_over_within_seconds_and_nothing_is_lost_or_doubled()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        var consumers = Instances.ToDictionary(instance => instance, _ => new SeenConsumer());
        var processors = Instances.ToDictionary(instance => instance, instance => db.Start(instance, consumers[instance]));
        var ledger = new AppendLedger();
        var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thaw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopWriting = new CancellationTokenSource();
        var writer = AppendSteadilyAsync(db, ledger, stopWriting.Token);
        try
        {
            var holder = (await WaitForRowsAsync(db, 20))[^1].Instance;
            var standby = Instances.Single(instance => instance != holder);
            await Task.Delay(db.ProcessorOptions.TakeoverInterval * 4);
            var beforeDeath = await db.SeenAsync();

            consumers[holder].BeforeInsert = async (_, _) =>
            {
                frozen.TrySetResult();
                await thaw.Task;
            };
            await frozen.Task.WaitAsync(Bound);
            processors[holder].Cancel();
            await using (var observer = await db.OpenConnectionAsync())
            {
                (await processors[holder].TerminateSessionsAsync(observer)).ShouldBeGreaterThan(0);
            }

            var diedAt = Stopwatch.GetTimestamp();
            await WaitForInstanceAsync(db, standby, TakesOverWithin);
            await TestContext.Out.WriteLineAsync($"{standby} took over {Stopwatch.GetElapsedTime(diedAt).TotalMilliseconds:0} ms after {holder} died.");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stopWriting.CancelAsync();
            await writer;
            var seen = await db.WaitUntilSeenAsync(ledger.CommittedEvents, Bound);

            beforeDeath.ShouldAllBe(row => row.Instance == holder, "the standby handled events while the holder was alive");
            seen.Count.ShouldBe(ledger.CommittedEvents.Count);
            seen.Select(row => row.EventId).ToHashSet().SetEquals(ledger.CommittedIds).ShouldBeTrue();
            seen.Select(row => row.GlobalPosition).ShouldBeInOrder(SortDirection.Ascending);
            seen.SkipWhile(row => row.Instance == holder).ShouldAllBe(row => row.Instance == standby);
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writer.WaitAsync(Bound);
            thaw.TrySetResult();
        }
    }

    /// <summary>
    /// The stopped instance's data source stays open, as it would in an application that stops only its processor,
    /// so its pooled connections live on and must not keep the consumer.
    /// </summary>
    [Test]
    public async Task After_a_clean_stop_the_other_instance_takes_over_while_the_stopped_instances_data_source_stays_open()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var before = await db.AppendAsync(Events("Order", NewId(), 5));
        var processors = Instances.ToDictionary(instance => instance, instance => db.Start(instance, new SeenConsumer()));
        var holder = (await db.WaitUntilSeenAsync(before, Bound))[^1].Instance;
        var standby = Instances.Single(instance => instance != holder);

        processors[holder].Cancel();
        await processors[holder].Run.WaitAsync(Bound);
        var after = await db.AppendAsync(Events("Order", NewId(), 5));
        var seen = await db.WaitUntilSeenAsync(after, TakesOverWithin);

        seen.Select(row => row.EventId).ShouldBe(before.Concat(after).Select(e => e.EventId));
        seen.Where(row => before.Any(e => e.EventId == row.EventId)).ShouldAllBe(row => row.Instance == holder);
        seen.Where(row => after.Any(e => e.EventId == row.EventId)).ShouldAllBe(row => row.Instance == standby);
    }

    /// <summary>Appends one event every 20 ms, each in a committed transaction of its own, until stopped.</summary>
    internal static async Task AppendSteadilyAsync(ConsumerDatabase db, AppendLedger ledger, CancellationToken stop)
    {
        await using var connection = await db.OpenConnectionAsync();
        while (!stop.IsCancellationRequested)
        {
            await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
            {
                var result = await db.Store.Store.AppendAsync(transaction, ExpectedVersion.Any, Events("Order", NewId(), 1), CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
                ledger.Committed([result]);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    internal static async Task<List<SeenRow>> WaitForRowsAsync(ConsumerDatabase db, int count)
    {
        var clock = Stopwatch.StartNew();
        List<SeenRow> rows;
        while ((rows = await db.SeenAsync()).Count < count)
        {
            clock.Elapsed.ShouldBeLessThan(Bound, $"the consumer handled only {rows.Count} events");
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }

        return rows;
    }

    internal static async Task WaitForInstanceAsync(ConsumerDatabase db, string instance, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!(await db.SeenAsync()).Any(row => row.Instance == instance))
        {
            clock.Elapsed.ShouldBeLessThan(within, $"{instance} did not take over");
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }
}
