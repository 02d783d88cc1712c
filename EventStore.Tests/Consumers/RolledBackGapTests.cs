using System.Globalization;
using EventStore.Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// A transaction that took a position and is still open leaves a gap: it may commit and fill it, or roll back and
/// leave it forever. The consumer must wait at the gap, however long, and move on as soon as the transaction ends.
/// Each test first sees one event delivered, so a consumer that delivers nothing later is waiting, not dead.
/// </summary>
public sealed class RolledBackGapTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    // The open transaction outlasts BlockedWarningAfter, so a processor that gave up on a gap after warning would fail.
    [TestCase(ConsumerDatabase.Channel)]
    [TestCase(null)]
    public async Task An_event_committed_above_an_open_transaction_waits_for_it_and_comes_promptly_once_it_rolls_back(string? channel)
    {
        await using var db = await ConsumerDatabase.CreateAsync(channel);
        var live = await StartAndSeeOneEventAsync(db, db.ProcessorOptions with { BlockedWarningAfter = TimeSpan.FromMilliseconds(200) });
        await using var connection = await db.OpenConnectionAsync();
        await using var open = await connection.BeginTransactionAsync();
        var rolledBack = await db.Store.Store.AppendAsync(open, ExpectedVersion.Any, Events("Order", NewId(), 1));
        var above = await db.AppendAsync(Events("Order", NewId(), 1));

        await Task.Delay(Window);
        var whileOpen = await db.SeenAsync();
        await open.RollbackAsync();
        var seen = await db.WaitUntilSeenAsync(above, TimeSpan.FromSeconds(2));

        above[0].GlobalPosition.ShouldBeGreaterThan(rolledBack.Events[0].GlobalPosition);
        whileOpen.Select(row => row.EventId).ShouldBe(live.Select(e => e.EventId), "the event above the open transaction came before it ended");
        seen.Select(row => row.EventId).ShouldBe(live.Concat(above).Select(e => e.EventId), "the rolled-back event never comes");
    }

    [Test]
    public async Task A_transaction_open_past_BlockedWarningAfter_is_reported_by_backend_and_its_events_come_first_once_it_commits()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel);
        var live = await StartAndSeeOneEventAsync(db, db.ProcessorOptions with { BlockedWarningAfter = TimeSpan.FromMilliseconds(300) });
        await using var connection = await db.OpenConnectionAsync();
        await using var open = await connection.BeginTransactionAsync();
        var held = await db.Store.Store.AppendAsync(open, ExpectedVersion.Any, Events("Order", NewId(), 2));
        var above = await db.AppendAsync(Events("Order", NewId(), 1));

        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        var whileOpen = await db.SeenAsync();
        await open.CommitAsync();
        var seen = await db.WaitUntilSeenAsync(held.Events.Concat(above), TimeSpan.FromSeconds(2));

        whileOpen.Select(row => row.EventId).ShouldBe(live.Select(e => e.EventId));
        seen.Select(row => row.EventId).ShouldBe(live.Concat(held.Events).Concat(above).Select(e => e.EventId));
        var backend = connection.ProcessID.ToString(CultureInfo.InvariantCulture);
        db.Log.Entries.ShouldContain(
            entry => entry.Level == LogLevel.Warning && entry.Message.Contains(backend, StringComparison.Ordinal),
            "the processor said which backend held it back");
    }

    [Test]
    public async Task An_open_transaction_that_only_read_events_does_not_hold_the_consumer_back()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel);
        var live = await StartAndSeeOneEventAsync(db, db.ProcessorOptions);
        await using var connection = await db.OpenConnectionAsync();
        await using var reading = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        (await db.Store.Store.ReadEventsAsync(reading, 0, 10)).Count.ShouldBe(live.Count);

        var appended = await db.AppendAsync(Events("Order", NewId(), 1));

        await db.WaitUntilSeenAsync(appended, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// A database created from a template has the template's table OIDs, so its events table and the template's share
    /// one. A writer there must not count as a writer here, or one tenant's open transaction stalls another's consumers.
    /// </summary>
    [Test]
    public async Task A_writer_left_open_in_a_database_cloned_from_the_same_template_does_not_hold_the_consumer_back()
    {
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel);
        await using var clone = await CloneAsync(db);
        await using var cloneConnection = await clone.OpenConnectionAsync();
        await using var cloneWriter = await cloneConnection.BeginTransactionAsync();
        await new PostgresEventStore(db.Store.Options).AppendAsync(cloneWriter, ExpectedVersion.Any, Events("Order", NewId(), 1));
        await using (var connection = await db.OpenConnectionAsync())
        {
            var here = await ScalarAsync<uint>(connection, "SELECT 'events'::regclass::oid");
            (await ScalarAsync<uint>(cloneConnection, "SELECT 'events'::regclass::oid")).ShouldBe(here, "the clone's events table shares the OID");
        }

        var live = await StartAndSeeOneEventAsync(db, db.ProcessorOptions);
        var appended = await db.AppendAsync(Events("Order", NewId(), 1));

        await db.WaitUntilSeenAsync(live.Concat(appended), TimeSpan.FromSeconds(5));
    }

    /// <summary>Stores one event, starts an instance and waits until it delivered the event, which it returns.</summary>
    private static async Task<IReadOnlyList<PersistedEvent>> StartAndSeeOneEventAsync(ConsumerDatabase db, ConsumerProcessorOptions options)
    {
        var live = await db.AppendAsync(Events("Order", NewId(), 1));
        db.Start("instance-a", options, new SeenConsumer());
        await db.WaitUntilSeenAsync(live, Bound);
        return live;
    }

    /// <summary>A copy of <paramref name="db"/> made with CREATE DATABASE ... TEMPLATE, dropped on disposal.</summary>
    private static async Task<ClonedDatabase> CloneAsync(ConsumerDatabase db)
    {
        var source = db.Store.Database;
        await using (var pooled = new NpgsqlConnection(source.ConnectionString))
        {
            // A template must have no sessions, and the pool keeps the schema's connection open.
            NpgsqlConnection.ClearPool(pooled);
        }

        return await ClonedDatabase.CreateAsync(TestServer.Server.ConnectionString, source.Name);
    }
}
