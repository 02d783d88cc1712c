using EventStore.Dapper;
using Microsoft.Extensions.Logging;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// What the processor refuses, and what it does without, behind a real PgBouncer in transaction pooling mode. Its
/// contract fixtures also run there with table leases (<see cref="ProcessorSetup.Supported"/>).
/// </summary>
public sealed class BehindPgBouncerProcessorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Advisory_lock_leases_behind_PgBouncer_are_refused_naming_the_table_lease_and_nothing_is_delivered()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: new ProcessorSetup(ConsumerLeaseMode.AdvisoryLock, ServerRoute.PgBouncer));
        await db.AppendAsync(Events("Order", NewId(), 3));
        var consumer = new SeenConsumer();

        var processor = db.Start("instance-a", consumer);
        var refused = await Should.ThrowAsync<InvalidOperationException>(processor.Run.WaitAsync(Bound));

        refused.Message.ShouldContain("advisory lock");
        refused.Message.ShouldContain("ConsumerLeaseMode.Table");
        consumer.Calls.ShouldBeEmpty();
        (await db.CheckpointAsync(SeenConsumer.DefaultName)).ShouldBeNull();
        db.Log.Entries.ShouldContain(entry => entry.Level == LogLevel.Critical && entry.Message.Contains("pooler", StringComparison.Ordinal));
    }

    /// <summary>Both poll intervals are short; what matters is that the processor says it will not be woken, and still delivers.</summary>
    [Test]
    public async Task Without_a_listen_connection_behind_PgBouncer_the_processor_says_it_only_polls_and_still_delivers()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.PgBouncer));
        db.Start("instance-a", db.ProcessorOptions with { ListenConnectionString = null }, new SeenConsumer());

        var appended = await db.AppendAsync(Events("Order", NewId(), 2));

        await db.WaitUntilSeenAsync(appended, Bound);
        db.Log.Entries.ShouldContain(entry => entry.Message.Contains("Not listening on consumer_tests", StringComparison.Ordinal)
                                              && entry.Message.Contains("ListenConnectionString", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_listen_connection_that_also_goes_through_PgBouncer_is_reported_and_polling_still_delivers()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.PgBouncer));
        db.Start("instance-a", db.ProcessorOptions with { ListenConnectionString = db.Store.ConnectionString }, new SeenConsumer());

        var appended = await db.AppendAsync(Events("Order", NewId(), 2));

        await db.WaitUntilSeenAsync(appended, Bound);
        db.Log.Problems.ShouldContain(problem => problem.Contains("ListenConnectionString goes through a pooler", StringComparison.Ordinal));
    }
}
