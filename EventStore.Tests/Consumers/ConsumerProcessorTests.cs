using EventStore.Dapper;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>What one processor does for its consumers: order, batches, scopes, retries, stopping and waking up.</summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class ConsumerProcessorTests(ProcessorSetup setup)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Delivers_the_events_already_stored_from_the_start_in_global_position_order()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        await AppendInterleavedAsync(db, appends: 10);
        var stored = await db.ReadAllAsync();
        var consumer = new SeenConsumer();

        db.Start("instance-a", consumer);
        var seen = await db.WaitUntilSeenAsync(stored, Bound);

        seen.Select(row => row.GlobalPosition).ShouldBe(stored.Select(e => e.GlobalPosition));
        var handled = consumer.Calls.ToList();
        handled.Count.ShouldBe(stored.Count);
        for (var index = 0; index < stored.Count; index++)
        {
            ShouldBeTheSameEvent(handled[index], stored[index]);
        }
    }

    [Test]
    public async Task Each_batch_runs_in_one_transaction_of_at_most_BatchSize_events_that_also_moves_the_checkpoint()
    {
        const int batchSize = 7;
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        await AppendInterleavedAsync(db, appends: 10);
        var stored = await db.ReadAllAsync();

        db.Start("instance-a", db.ProcessorOptions with { BatchSize = batchSize }, new SeenConsumer());
        await db.WaitUntilCheckpointAsync(SeenConsumer.DefaultName, stored[^1].GlobalPosition, Bound);

        var seen = await db.SeenAsync();
        var batches = seen.GroupBy(row => row.TransactionId).ToList();
        batches.Count.ShouldBeGreaterThanOrEqualTo((stored.Count + batchSize - 1) / batchSize);
        batches.ShouldAllBe(batch => batch.Count() <= batchSize);
        // A batch's rows are inserted together, so no other batch's rows fall between its first and its last.
        batches.ShouldAllBe(batch => batch.Max(row => row.Seq) - batch.Min(row => row.Seq) == batch.Count() - 1);
        var checkpoint = (await db.CheckpointAsync(SeenConsumer.DefaultName)).ShouldNotBeNull();
        checkpoint.Position.ShouldBe(stored[^1].GlobalPosition);
        // xmin is the 32-bit transaction id; txid_current() carries the epoch above those 32 bits.
        checkpoint.TransactionId.ShouldBe(seen[^1].TransactionId % (1L << 32), "the last batch moved the checkpoint in its own transaction");
    }

    [Test]
    public async Task A_scoped_consumer_receives_only_its_aggregate_types_and_its_checkpoint_moves_past_the_others()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        await AppendInterleavedAsync(db, appends: 9);
        await db.AppendAsync(Events("Invoice", NewId(), 1));
        var stored = await db.ReadAllAsync();
        stored[^1].AggregateType.ShouldBe("Invoice");
        var orders = new ScopedSeenConsumer("orders", "Order");
        var everything = new ScopedSeenConsumer("everything");

        db.Start("instance-a", orders, everything);
        await db.WaitUntilCheckpointAsync("orders", stored[^1].GlobalPosition, Bound);
        await db.WaitUntilSeenAsync(stored, Bound, "everything");

        var expected = stored.Where(e => e.AggregateType == "Order").Select(e => e.GlobalPosition).ToList();
        expected.Count.ShouldBeLessThan(stored.Count);
        (await db.SeenAsync("orders")).Select(row => row.GlobalPosition).ShouldBe(expected);
        orders.Calls.ShouldAllBe(e => e.AggregateType == "Order");
        (await db.SeenAsync("everything")).Select(row => row.GlobalPosition).ShouldBe(stored.Select(e => e.GlobalPosition),
            "an empty scope applies no filter");
    }

    [Test]
    public async Task A_handler_that_throws_once_rolls_its_batch_back_and_the_retry_handles_every_event_exactly_once()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 10));
        var poison = stored[4];
        var thrown = 0;
        var consumer = new SeenConsumer
        {
            BeforeInsert = (e, _) => e.EventId == poison.EventId && Interlocked.Exchange(ref thrown, 1) == 0
                ? throw new InvalidOperationException("The handler fails once.")
                : Task.CompletedTask,
        };

        db.Start("instance-a", db.ProcessorOptions with { BatchSize = 10 }, consumer);
        var seen = await db.WaitUntilSeenAsync(stored, Bound);

        thrown.ShouldBe(1);
        seen.Select(row => row.EventId).ShouldBe(stored.Select(e => e.EventId));
        consumer.Duplicates.ShouldBeEmpty();
        var calls = consumer.Calls.GroupBy(e => e.EventId).ToDictionary(group => group.Key, group => group.Count());
        // The first four were handled and rolled back with the poison event; their second handling committed once.
        stored.Take(5).ShouldAllBe(e => calls[e.EventId] == 2);
        stored.Skip(5).ShouldAllBe(e => calls[e.EventId] == 1);
    }

    [Test]
    public async Task A_consumer_whose_handler_keeps_failing_does_not_hold_up_another_consumer_of_the_same_processor()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 5));
        var failing = true;
        var failures = 0;
        var stuck = new SeenConsumer("stuck")
        {
            BeforeInsert = (e, _) =>
            {
                if (Volatile.Read(ref failing) && e.EventId == stored[2].EventId)
                {
                    Interlocked.Increment(ref failures);
                    throw new InvalidOperationException("The handler fails until the test lets it pass.");
                }

                return Task.CompletedTask;
            },
        };
        var healthy = new SeenConsumer("healthy");

        db.Start("instance-a", stuck, healthy);
        await db.WaitUntilSeenAsync(stored, Bound, "healthy");
        // The stuck consumer must have failed on its event at least once before it is let through.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref failures) == 0)
        {
            waited.Elapsed.ShouldBeLessThan(Bound, "the stuck consumer never reached its failing event");
            await Task.Delay(20);
        }

        var stuckBefore = await db.SeenAsync("stuck");
        Volatile.Write(ref failing, false);
        var stuckAfter = await db.WaitUntilSeenAsync(stored, Bound, "stuck");

        stuck.Calls.Count(e => e.EventId == stored[2].EventId).ShouldBeGreaterThan(1, "the failing batch was retried");
        stuckBefore.ShouldAllBe(row => row.GlobalPosition < stored[2].GlobalPosition);
        stuckAfter.Select(row => row.EventId).ShouldBe(stored.Select(e => e.EventId));
    }

    [Test]
    public async Task Cancelling_an_idle_processor_stops_RunAsync_promptly_and_it_returns_without_throwing()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 1));
        var processor = db.Start("instance-a", new SeenConsumer());
        await db.WaitUntilSeenAsync(stored, Bound);

        processor.Cancel();
        var stopped = await Task.WhenAny(processor.Run, Task.Delay(TimeSpan.FromSeconds(2)));

        stopped.ShouldBeSameAs(processor.Run, "RunAsync was still running 2 s after cancellation");
        await processor.Run;
    }

    [Test]
    public async Task Cancelling_a_processor_inside_a_handler_rolls_that_batch_back_and_RunAsync_returns_without_throwing()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var first = await db.AppendAsync(Events("Order", NewId(), 1));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new SeenConsumer();
        var processor = db.Start("instance-a", consumer);
        await db.WaitUntilSeenAsync(first, Bound);
        consumer.BeforeInsert = async (_, cancellationToken) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        var second = await db.AppendAsync(Events("Order", NewId(), 1));
        await entered.Task.WaitAsync(Bound);

        processor.Cancel();
        var stopped = await Task.WhenAny(processor.Run, Task.Delay(TimeSpan.FromSeconds(2)));

        stopped.ShouldBeSameAs(processor.Run, "RunAsync was still running 2 s after cancellation");
        await processor.Run;
        (await db.SeenAsync()).Select(row => row.EventId).ShouldBe(first.Select(e => e.EventId));
        (await db.CheckpointAsync(SeenConsumer.DefaultName)).ShouldNotBeNull().Position.ShouldBe(first[0].GlobalPosition);
        second[0].GlobalPosition.ShouldBeGreaterThan(first[0].GlobalPosition);
    }

    /// <summary>An application that restarts its processor keeps its data source, and with it the pooled connections.</summary>
    [Test]
    public async Task A_processor_restarted_on_the_same_data_source_resumes_after_its_checkpoint_without_delivering_anything_twice()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var before = await db.AppendAsync(Events("Order", NewId(), 5));
        var first = db.Start("instance-a", new SeenConsumer());
        await db.WaitUntilSeenAsync(before, Bound);
        first.Cancel();
        await first.Run.WaitAsync(Bound);

        var after = await db.AppendAsync(Events("Order", NewId(), 5));
        var restarted = new SeenConsumer();
        db.Restart(first, restarted);
        var seen = await db.WaitUntilSeenAsync(before.Concat(after), Bound);

        seen.Select(row => row.EventId).ShouldBe(before.Concat(after).Select(e => e.EventId));
        restarted.Calls.Select(e => e.EventId).ShouldBe(after.Select(e => e.EventId));
    }

    // Both poll intervals are a minute, and a table lease is renewed only every minute, so only the notification can
    // bring the second event within the bound. Behind PgBouncer it comes over the direct ListenConnectionString.
    [Test]
    public async Task With_a_notify_channel_an_append_is_delivered_without_waiting_for_a_poll()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        var first = await db.AppendAsync(Events("Order", NewId(), 1));
        var options = db.ProcessorOptions with
        {
            MinPollInterval = TimeSpan.FromMinutes(1),
            MaxPollInterval = TimeSpan.FromMinutes(1),
            LeaseDuration = TimeSpan.FromMinutes(3),
        };
        db.Start("instance-a", options, new SeenConsumer());
        await db.WaitUntilSeenAsync(first, TimeSpan.FromSeconds(5));

        var second = await db.AppendAsync(Events("Order", NewId(), 1));

        await db.WaitUntilSeenAsync(second, TimeSpan.FromSeconds(5));
    }

    // The processor idles long enough first for its polls to have backed off to the longest interval.
    [Test]
    public async Task Without_a_notify_channel_an_append_is_delivered_by_polling()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        db.Start("instance-a", db.ProcessorOptions with { MaxPollInterval = new ConsumerProcessorOptions().MaxPollInterval }, new SeenConsumer());
        await Task.Delay(TimeSpan.FromMilliseconds(1500));

        var appended = await db.AppendAsync(Events("Order", NewId(), 1));

        await db.WaitUntilSeenAsync(appended, TimeSpan.FromSeconds(5));
    }

    /// <summary>Appends one to three events at a time to three aggregates of two types, in turn.</summary>
    private static async Task AppendInterleavedAsync(ConsumerDatabase db, int appends)
    {
        string[] orders = [NewId(), NewId()];
        var invoice = NewId();
        for (var append = 0; append < appends; append++)
        {
            var events = append % 3 == 2
                ? Events("Invoice", invoice, 1 + (append % 2))
                : Events("Order", orders[append % 3], 1 + (append % 3));
            await db.AppendAsync(events);
        }
    }

    private static void ShouldBeTheSameEvent(PersistedEvent handled, PersistedEvent stored)
    {
        handled.GlobalPosition.ShouldBe(stored.GlobalPosition);
        handled.EventId.ShouldBe(stored.EventId);
        handled.AggregateType.ShouldBe(stored.AggregateType);
        handled.AggregateId.ShouldBe(stored.AggregateId);
        handled.AggregateVersion.ShouldBe(stored.AggregateVersion);
        handled.EventType.ShouldBe(stored.EventType);
        handled.Payload.ShouldBe(stored.Payload);
        handled.CreatedAt.ShouldBe(stored.CreatedAt);
    }
}
