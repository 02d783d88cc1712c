using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// The default poison-event policy, <see cref="PoisonEventHandling.Stop"/>: a handler that keeps failing on one event
/// stops its consumer there, on every instance, until it is resumed; nothing is skipped and other consumers go on.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class PoisonEventStopTests(ProcessorSetup setup)
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task After_MaxAttempts_failures_the_consumer_stops_on_the_event_without_skipping_it_while_another_consumer_goes_on()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 5));
        var poison = stored[2];
        var stuck = FailingOn("stuck", poison, () => new InvalidOperationException("The handler cannot handle this event."));
        var healthy = new SeenConsumer("healthy");

        db.Start("instance-a", Options(db), stuck, healthy);
        var row = await FailureRows.WaitAsync(db, "stuck", row => row.StoppedAt is not null, "stopped", Bound);
        await db.WaitUntilSeenAsync(stored, Bound, "healthy");

        row.FailedPosition.ShouldBe(poison.GlobalPosition);
        row.FailedAttempts.ShouldBe(MaxAttempts);
        row.Position.ShouldBe(poison.GlobalPosition - 1, "the events before the poison event are committed, and it is not skipped");
        row.LastError.ShouldNotBeNull().ShouldContain("System.InvalidOperationException: The handler cannot handle this event.");
        row.LastErrorAt.ShouldNotBeNull();
        stuck.Calls.Count(e => e.EventId == poison.EventId).ShouldBe(MaxAttempts);
        (await db.SeenAsync("stuck")).Select(seen => seen.EventId).ShouldBe(stored.Take(2).Select(e => e.EventId));
        await FailureRows.WaitForLogAsync(db, $"Consumer stuck stopped on the event at position {poison.GlobalPosition} of type {poison.EventType} after {MaxAttempts} failed attempts", Bound);
    }

    [Test]
    public async Task A_stopped_consumer_is_not_retried_by_another_instance_and_resuming_it_runs_it_again_without_a_restart()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 4));
        var poison = stored[1];
        var first = db.Start("instance-a", Options(db), FailingOn(SeenConsumer.DefaultName, poison, () => new InvalidOperationException("Broken.")));
        await FailureRows.WaitAsync(db, SeenConsumer.DefaultName, row => row.StoppedAt is not null, "stopped", Bound);
        first.Cancel();
        await first.Run.WaitAsync(Bound);

        var fixedConsumer = new SeenConsumer();
        db.Start("instance-b", Options(db), fixedConsumer);
        await FailureRows.WaitForLogAsync(db, $"Consumer {SeenConsumer.DefaultName} is stopped on the event at position {poison.GlobalPosition}", Bound);
        fixedConsumer.Calls.ShouldBeEmpty("the instance that took the stopped consumer over retried it");

        await using (var connection = await db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            (await new ConsumerAdmin(db.Store.Options).ResumeAsync(transaction, SeenConsumer.DefaultName)).ShouldBe(1);
            await transaction.CommitAsync();
        }

        var seen = await db.WaitUntilSeenAsync(stored, Bound);

        seen.Select(row => row.EventId).ShouldBe(stored.Select(e => e.EventId));
        seen.Skip(1).ShouldAllBe(row => row.Instance == "instance-b");
        var resumed = (await FailureRows.ReadAsync(db, SeenConsumer.DefaultName)).ShouldNotBeNull();
        resumed.StoppedAt.ShouldBeNull();
        resumed.FailedPosition.ShouldBeNull();
        resumed.FailedAttempts.ShouldBe(0);
        resumed.LastError.ShouldNotBeNull("the last error stays as history").ShouldContain("Broken.");
    }

    /// <summary>The first batch holds the event before the poison one, which the stopped consumer still commits.</summary>
    [Test]
    public async Task A_permanent_error_stops_the_consumer_at_the_first_attempt_after_the_events_before_it()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 3));
        var poison = stored[1];
        var consumer = FailingOn(SeenConsumer.DefaultName, poison, () => new PermanentHandlerException(new FormatException("Unreadable payload.")));

        db.Start("instance-a", Options(db), consumer);
        await db.WaitUntilCheckpointAsync(SeenConsumer.DefaultName, stored[0].GlobalPosition, Bound);
        var row = await FailureRows.WaitAsync(db, SeenConsumer.DefaultName, row => row.StoppedAt is not null, "stopped", Bound);

        row.Position.ShouldBe(poison.GlobalPosition - 1, "the event before the poison one is committed, and the poison one is not skipped");
        (await db.SeenAsync()).Select(seen => seen.EventId).ShouldBe([stored[0].EventId]);
        row.FailedPosition.ShouldBe(poison.GlobalPosition);
        row.FailedAttempts.ShouldBe(1);
        row.LastError.ShouldNotBeNull().ShouldContain("System.FormatException: Unreadable payload.");
        consumer.Calls.Count(e => e.EventId == poison.EventId).ShouldBe(1);
    }

    /// <summary>Each kind of transient failure happens more often than MaxAttempts, and the event still gets through.</summary>
    [Test]
    public async Task Transient_failures_do_not_count_as_attempts_but_are_recorded_as_the_last_error()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 3));
        var poison = stored[1];
        var failures = 0;
        var consumer = new SeenConsumer
        {
            BeforeInsert = (e, _) =>
            {
                if (e.EventId != poison.EventId || Interlocked.Increment(ref failures) > 2 * (MaxAttempts + 1))
                {
                    return Task.CompletedTask;
                }

                throw failures % 2 == 0
                    ? new TransientHandlerException(new TimeoutException("The pricing service did not answer."))
                    : new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);
            },
        };

        db.Start("instance-a", Options(db), consumer);
        await db.WaitUntilSeenAsync(stored, Bound);

        var row = (await FailureRows.ReadAsync(db, SeenConsumer.DefaultName)).ShouldNotBeNull();
        row.StoppedAt.ShouldBeNull();
        row.FailedPosition.ShouldBeNull();
        row.FailedAttempts.ShouldBe(0);
        row.LastError.ShouldNotBeNull().ShouldContain("TransientHandlerException");
        row.LastErrorAt.ShouldNotBeNull();
        consumer.Calls.Count(e => e.EventId == poison.EventId).ShouldBe(2 * (MaxAttempts + 1) + 1);
    }

    private static ConsumerProcessorOptions Options(ConsumerDatabase db) =>
        db.ProcessorOptions with { MaxAttempts = MaxAttempts, MaxRetryDelay = TimeSpan.FromMilliseconds(50) };

    private static SeenConsumer FailingOn(string name, PersistedEvent poison, Func<Exception> failure) => new(name)
    {
        BeforeInsert = (e, _) => e.EventId == poison.EventId ? throw failure() : Task.CompletedTask,
    };
}
