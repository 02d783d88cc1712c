using System.Diagnostics;
using EventStore.Tests.Core;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Batch consumers: each batch is handed over whole, in the transaction that moves the checkpoint, to a handler that
/// writes it with one <c>unnest</c> insert (<see cref="BatchSeenConsumer"/>).
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class BatchConsumerTests(ProcessorSetup setup)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly string[] Instances = ["instance-a", "instance-b"];

    [Test]
    public async Task A_batch_consumer_receives_every_committed_event_once_in_order_in_batches_of_one_to_BatchSize_each_in_its_own_transaction()
    {
        const int batchSize = 7;
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        for (var append = 0; append < 6; append++)
        {
            await db.AppendAsync(Events(append % 2 == 0 ? "Order" : "Customer", NewId(), 5));
        }

        var stored = await db.ReadAllAsync();
        var consumer = new BatchSeenConsumer();

        db.Start("instance-a", db.ProcessorOptions with { BatchSize = batchSize }, consumer);
        var seen = await db.WaitUntilSeenAsync(stored, Bound);
        await db.WaitUntilCheckpointAsync(consumer.Name, stored[^1].GlobalPosition, Bound);

        consumer.Duplicates.ShouldBeEmpty();
        var batches = consumer.Batches.ToList();
        batches.ShouldAllBe(batch => batch.Count >= 1 && batch.Count <= batchSize);
        batches.ShouldContain(batch => batch.Count == batchSize, "events already stored are handed over in full batches");
        Ids(batches.SelectMany(batch => batch)).ShouldBe(Ids(stored), "every handler call, in call order");
        seen.Select(row => row.EventId).ShouldBe(Ids(stored));
        // Each transaction committed exactly one batch, whole.
        seen.GroupBy(row => row.TransactionId).Select(rows => string.Join(",", rows.Select(row => row.EventId)))
            .ShouldBe(batches.Select(batch => string.Join(",", Ids(batch))));
        var checkpoint = (await db.CheckpointAsync(consumer.Name)).ShouldNotBeNull();
        // xmin is the 32-bit transaction id; txid_current() carries the epoch above those 32 bits.
        checkpoint.TransactionId.ShouldBe(seen[^1].TransactionId % (1L << 32), "the last batch moved the checkpoint in its own transaction");
    }

    [Test]
    public async Task A_batch_handler_that_throws_after_writing_leaves_no_rows_and_no_checkpoint_movement_and_its_batch_is_retried_an_event_at_a_time()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 10));
        var failing = true;
        var failures = 0;
        var consumer = new BatchSeenConsumer
        {
            AfterInsert = _ =>
            {
                if (Volatile.Read(ref failing))
                {
                    Interlocked.Increment(ref failures);
                    throw new InvalidOperationException("The batch fails until the test lets it pass.");
                }
            },
        };

        db.Start("instance-a", db.ProcessorOptions with { BatchSize = 10 }, consumer);
        await WaitUntilAsync(() => Volatile.Read(ref failures) >= 2, "the batch handler did not fail twice");
        var seenWhileFailing = await db.SeenAsync();
        var checkpointWhileFailing = (await db.CheckpointAsync(consumer.Name))?.Position ?? 0;
        Volatile.Write(ref failing, false);
        var seen = await db.WaitUntilSeenAsync(stored, Bound);

        seenWhileFailing.ShouldBeEmpty("a failed batch's rows roll back with it");
        checkpointWhileFailing.ShouldBeLessThan(stored[0].GlobalPosition, "a failed batch does not move the checkpoint");
        var batches = consumer.Batches.ToList();
        batches.Count.ShouldBeGreaterThanOrEqualTo(3);
        Ids(batches[0]).ShouldBe(Ids(stored));
        Ids(batches[1]).ShouldBe([stored[0].EventId], "a failed batch is retried one event at a time, so that a failing event is found");
        batches.Skip(1).ShouldAllBe(batch => batch.Count == 1, "single events until past the failed batch");
        seen.Select(row => row.EventId).ShouldBe(Ids(stored));
        seen.Select(row => row.TransactionId).Distinct().Count().ShouldBe(stored.Count, "each event of the failed batch commits on its own");
        consumer.Duplicates.ShouldBeEmpty();
        var failedBatch = $"batch at positions {stored[0].GlobalPosition} to {stored[^1].GlobalPosition}";
        db.Log.Problems.ShouldContain(
            problem => problem.Contains(failedBatch, StringComparison.Ordinal),
            "the failure names the batch that rolled back");
    }

    [Test]
    public async Task A_batch_consumer_with_filters_receives_only_matching_events_never_an_empty_batch_and_its_checkpoint_passes_the_rest()
    {
        const int batchSize = 3;
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        for (var round = 0; round < 6; round++)
        {
            var order = NewId();
            await db.AppendAsync(Order(order, "OrderPlaced"), Order(order, "Shipped"), Order(order, "Shipped"));
            await db.AppendAsync(TestEvents.Valid("Invoice", NewId()) with { EventType = "Shipped" });
        }

        var stored = await db.ReadAllAsync();
        var consumer = new BatchSeenConsumer("shipped-orders") { AggregateTypes = ["Order"], EventTypes = ["Shipped"] };
        db.Start("instance-a", db.ProcessorOptions with { BatchSize = batchSize }, consumer);
        var expected = stored.Where(e => e is { AggregateType: "Order", EventType: "Shipped" }).ToList();
        await db.WaitUntilSeenAsync(expected, Bound, consumer.Name);
        // Only other events follow, so the step that passes them finds nothing for the consumer.
        var others = await db.AppendAsync(Events("Invoice", NewId(), 4));
        await db.WaitUntilCheckpointAsync(consumer.Name, others[^1].GlobalPosition, Bound);

        expected.Count.ShouldBeGreaterThan(batchSize);
        var batches = consumer.Batches.ToList();
        batches.ShouldAllBe(batch => batch.Count >= 1 && batch.Count <= batchSize, "a batch is never empty, nor above BatchSize");
        Ids(batches.SelectMany(batch => batch)).ShouldBe(Ids(expected), "every handler call, in call order");
        (await db.SeenAsync(consumer.Name)).Select(row => row.EventId).ShouldBe(Ids(expected));
        consumer.Duplicates.ShouldBeEmpty();
    }

    /// <summary>
    /// The checkpoint is taken from the batch after the handler returns, so a handler that could shorten the batch
    /// would move it past events nobody handled.
    /// </summary>
    [Test]
    public async Task A_batch_handler_cannot_shorten_its_batch_to_make_the_checkpoint_skip_events()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 6));
        var consumer = new BatchSeenConsumer
        {
            BeforeInsert = (events, _) =>
            {
                if (events is List<PersistedEvent> list)
                {
                    list.RemoveAt(list.Count - 1);
                }

                return Task.CompletedTask;
            },
        };

        db.Start("instance-a", db.ProcessorOptions with { BatchSize = 3 }, consumer);
        var seen = await db.WaitUntilSeenAsync(stored, Bound);

        seen.Select(row => row.EventId).ShouldBe(Ids(stored));
    }

    /// <summary>As in <see cref="TakeoverTests"/>: the holder freezes inside its batch handler and its sessions end.</summary>
    [Test]
    public async Task When_the_instance_holding_a_batch_consumer_dies_the_other_takes_over_and_nothing_is_lost_or_doubled()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        var consumers = Instances.ToDictionary(instance => instance, _ => new BatchSeenConsumer());
        var processors = Instances.ToDictionary(instance => instance, instance => db.Start(instance, consumers[instance]));
        var ledger = new AppendLedger();
        var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thaw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopWriting = new CancellationTokenSource();
        var writer = TakeoverTests.AppendSteadilyAsync(db, ledger, stopWriting.Token);
        try
        {
            var holder = (await TakeoverTests.WaitForRowsAsync(db, 20))[^1].Instance;
            var standby = Instances.Single(instance => instance != holder);
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

            await TakeoverTests.WaitForInstanceAsync(db, standby, TimeSpan.FromSeconds(5));
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stopWriting.CancelAsync();
            await writer;
            var seen = await db.WaitUntilSeenAsync(ledger.CommittedEvents, Bound);

            seen.Count.ShouldBe(ledger.CommittedEvents.Count);
            seen.Select(row => row.EventId).ToHashSet().SetEquals(ledger.CommittedIds).ShouldBeTrue();
            seen.Select(row => row.GlobalPosition).ShouldBeInOrder(SortDirection.Ascending);
            seen.SkipWhile(row => row.Instance == holder).ShouldAllBe(row => row.Instance == standby);
            consumers.Values.ShouldAllBe(consumer => consumer.Duplicates.IsEmpty);
            consumers[standby].Batches.ShouldNotBeEmpty();
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writer.WaitAsync(Bound);
            thaw.TrySetResult();
        }
    }

    private static Event Order(string id, string eventType) => TestEvents.Valid("Order", id) with { EventType = eventType };

    private static List<Guid> Ids(IEnumerable<PersistedEvent> events) => events.Select(e => e.EventId).ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.ShouldBeLessThan(Bound, failure);
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
