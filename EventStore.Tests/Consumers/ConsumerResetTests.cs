using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Resets and rebuilds while instances run: a reset waits for the batch in flight, takes the lease from the instance
/// holding it, and the consumer goes on from the new checkpoint; a blue/green rebuild builds a new name beside the old.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class ConsumerResetTests(ProcessorSetup setup)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_reset_to_zero_while_an_instance_runs_rebuilds_the_read_model_cleared_in_the_same_transaction()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var admin = new ConsumerAdmin(db.Store.Options);
        var stored = await db.AppendAsync(Events("Order", NewId(), 6));
        var consumer = new SeenConsumer();
        db.Start("instance-a", consumer);
        await db.WaitUntilSeenAsync(stored, Bound);

        var moves = await db.Store.InTransactionAsync(async transaction =>
        {
            await using var clear = new NpgsqlCommand("DELETE FROM seen WHERE consumer = @consumer", transaction.Connection, transaction);
            clear.Parameters.AddWithValue("consumer", consumer.Name);
            await clear.ExecuteNonQueryAsync();
            return await admin.ResetAsync(transaction, consumer.Name, 0);
        });
        var later = await db.AppendAsync(Events("Order", NewId(), 2));
        var seen = await db.WaitUntilSeenAsync(stored.Concat(later), Bound);

        moves.ShouldBe([new CheckpointMove(consumer.Name, stored[^1].GlobalPosition, 0)]);
        seen.Select(row => row.GlobalPosition).ShouldBe(stored.Concat(later).Select(e => e.GlobalPosition), "each event once, in order, after the rebuild");
        var calls = consumer.Calls.Select(e => e.GlobalPosition).ToList();
        calls.Take(stored.Count).ShouldBe(stored.Select(e => e.GlobalPosition), "the first pass");
        calls.Skip(stored.Count).Take(stored.Count).ShouldBe(stored.Select(e => e.GlobalPosition), "the rebuild starts again from the first event");
        consumer.Duplicates.ShouldBeEmpty();
    }

    [Test]
    public async Task A_reset_forward_skips_the_events_up_to_the_position_and_the_consumer_goes_on_after_it()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var admin = new ConsumerAdmin(db.Store.Options);
        var first = await db.AppendAsync(Events("Order", NewId(), 1));
        var consumer = new SeenConsumer();
        var stalled = new TaskCompletionSource();
        db.Start("instance-a", consumer);
        await db.WaitUntilSeenAsync(first, Bound);
        consumer.BeforeInsert = async (_, token) =>
        {
            await stalled.Task.WaitAsync(token);
            throw new InvalidOperationException("The test rolls this batch back.");
        };

        var skipped = await db.AppendAsync(Events("Order", NewId(), 3));
        // The batch of the skipped events is in flight: the reset waits for it, and moves the checkpoint once it rolls back.
        await WaitUntilAsync(() => consumer.Calls.Any(e => e.GlobalPosition == skipped[0].GlobalPosition));
        var reset = db.Store.InTransactionAsync(transaction => admin.ResetAsync(transaction, consumer.Name, skipped[^1].GlobalPosition));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        reset.IsCompleted.ShouldBeFalse("the reset waits for the batch in flight");
        consumer.BeforeInsert = null;
        stalled.SetResult();
        var moves = await reset;
        var callsAtReset = consumer.Calls.Count;
        var after = await db.AppendAsync(Events("Order", NewId(), 2));
        await db.WaitUntilSeenAsync(first.Concat(after), Bound);

        moves.ShouldBe([new CheckpointMove(consumer.Name, first[^1].GlobalPosition, skipped[^1].GlobalPosition)]);
        (await db.SeenAsync()).Select(row => row.GlobalPosition).ShouldBe(first.Concat(after).Select(e => e.GlobalPosition));
        consumer.Calls.Skip(callsAtReset).ShouldNotContain(e => skipped.Any(s => s.EventId == e.EventId), "nothing up to the new checkpoint is handled after the reset");
        var status = await ConsumerStatusTests.WaitForStatusAsync(db, consumer.Name, s => s.Checkpoint == after[^1].GlobalPosition);
        status.Lag.ShouldBe(0);
    }

    [Test]
    public async Task A_reset_beyond_the_safe_frontier_an_unknown_consumer_and_a_negative_position_are_refused_and_change_nothing()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var admin = new ConsumerAdmin(db.Store.Options);
        var first = await db.AppendAsync(Events("Order", NewId(), 2));
        db.Start("instance-a", new SeenConsumer());
        await db.WaitUntilSeenAsync(first, Bound);
        await using var connection = await db.OpenConnectionAsync();
        await using var open = await connection.BeginTransactionAsync();
        await db.Store.Store.AppendAsync(open, ExpectedVersion.Any, Events("Order", NewId(), 1));
        var backend = await ConsumerStatusTests.BackendOfAsync(open);
        var above = await db.AppendAsync(Events("Order", NewId(), 1));
        await ConsumerStatusTests.WaitForStatusAsync(db, SeenConsumer.DefaultName, s => s.BlockedBy?.ProcessId == backend);

        var beyond = await Should.ThrowAsync<ArgumentException>(() =>
            db.Store.InTransactionAsync(transaction => admin.ResetAsync(transaction, SeenConsumer.DefaultName, above[^1].GlobalPosition)));
        var unknown = await Should.ThrowAsync<ArgumentException>(() =>
            db.Store.InTransactionAsync(transaction => admin.ResetAsync(transaction, "no-such-consumer", 0)));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() =>
            db.Store.InTransactionAsync(transaction => admin.ResetAsync(transaction, SeenConsumer.DefaultName, -1)));

        beyond.Message.ShouldContain($"safe frontier, {first[^1].GlobalPosition}");
        beyond.Message.ShouldContain($"backend {backend}");
        unknown.Message.ShouldContain("no checkpoint row");
        (await db.CheckpointAsync(SeenConsumer.DefaultName)).ShouldNotBeNull().Position.ShouldBe(first[^1].GlobalPosition);
        await open.RollbackAsync();
    }

    [Test]
    public async Task A_blue_green_rebuild_builds_a_new_name_beside_the_old_one_then_retires_the_old_one()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var admin = new ConsumerAdmin(db.Store.Options);
        var before = await db.AppendAsync(Events("Order", NewId(), 5));
        var blue = db.Start("blue", new SeenConsumer("orders-v1"));
        await db.WaitUntilSeenAsync(before, Bound, "orders-v1");

        using var stopWriting = new CancellationTokenSource();
        var writing = Task.Run(async () =>
        {
            var written = new List<PersistedEvent>();
            while (!stopWriting.IsCancellationRequested)
            {
                written.AddRange(await db.AppendAsync(Events("Order", NewId(), 2)));
                await Task.Delay(20);
            }

            return written;
        });
        db.Start("green", new SeenConsumer("orders-v2"));
        await ConsumerStatusTests.WaitForStatusAsync(db, "orders-v2", s => s.Checkpoint > before[^1].GlobalPosition);
        var refused = await Should.ThrowAsync<InvalidOperationException>(() =>
            db.Store.InTransactionAsync(transaction => admin.RemoveAsync(transaction, "orders-v1")));

        // The switch: readers move to the new read model, the old consumer stops and its checkpoint goes.
        await stopWriting.CancelAsync();
        var during = await writing;
        var all = before.Concat(during).ToList();
        await db.WaitUntilSeenAsync(all, Bound, "orders-v2");
        blue.Cancel();
        await blue.Run.WaitAsync(Bound);
        var removed = await db.Store.InTransactionAsync(transaction => admin.RemoveAsync(transaction, "orders-v1"));

        refused.Message.ShouldContain("still run by a processor instance");
        removed.ShouldBe(["orders-v1"]);
        (await db.CheckpointAsync("orders-v1")).ShouldBeNull();
        (await db.SeenAsync("orders-v2")).Select(row => row.GlobalPosition).ShouldBe(all.Select(e => e.GlobalPosition));
        (await db.SeenAsync("orders-v1")).Select(row => row.GlobalPosition).ShouldBeSubsetOf(all.Select(e => e.GlobalPosition));
        var statuses = await db.Store.InTransactionAsync(transaction => admin.ReadStatusAsync(transaction));
        statuses.Select(status => status.Consumer).ShouldBe(["orders-v2"]);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.ShouldBeLessThan(Bound);
            await Task.Delay(20);
        }
    }
}
