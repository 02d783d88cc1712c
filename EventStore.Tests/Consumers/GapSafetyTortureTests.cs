using System.Diagnostics;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Writers race on connections of their own, commit after random pauses and roll a fifth of their transactions back,
/// while one more writer takes a low position early and keeps its transaction open for seconds. Positions therefore
/// become visible out of order and some never do. Two instances run the same consumer, and it must still end up with
/// exactly the committed events, each once, in position order.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class GapSafetyTortureTests(ProcessorSetup setup)
{
    private const int Writers = 8;
    private const string Order = "Order";
    private static readonly TimeSpan WriteFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(4);

    [Test]
    public async Task Racing_writers_with_rollbacks_and_a_long_open_transaction_reach_the_consumer_exactly_once_in_position_order()
    {
        var seed = Environment.TickCount;
        await TestContext.Out.WriteLineAsync($"Random seed: {seed}");
        await using var db = await ConsumerDatabase.CreateAsync(ConsumerDatabase.Channel, setup);
        db.Start("instance-a", new SeenConsumer());
        db.Start("instance-b", new SeenConsumer());
        var ledger = new AppendLedger();
        string[] aggregates = [NewId(), NewId(), NewId(), NewId()];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();

        var writers = Enumerable.Range(0, Writers)
            .Select(writer => WriteUntilAsync(db, ledger, aggregates, new Random(seed + writer), start.Task, clock))
            .ToList();
        var held = HoldOneAppendOpenAsync(db, ledger, start.Task);
        clock.Start();
        start.SetResult();
        await Task.WhenAll(writers);
        var (heldEvents, heldAppendedAt, heldCommitStartedAt, heldCommitClock, seenWhileHeld) = await held;
        var seen = await db.WaitUntilSeenAsync(ledger.CommittedEvents, TimeSpan.FromSeconds(30));

        // The scenario had substance: many commits, rollbacks, and a real gap under the held transaction.
        var committed = ledger.CommittedEvents;
        await TestContext.Out.WriteLineAsync($"{committed.Count} events committed, {ledger.RolledBackIds.Count} rolled back.");
        committed.Count.ShouldBeGreaterThan(200);
        ledger.RolledBackIds.Count.ShouldBeGreaterThan(10);
        var committedAboveWhileHeld = ledger.CommittedAppends
            .Where(append => append.CommittedAt > heldAppendedAt && append.CommittedAt < heldCommitStartedAt)
            .SelectMany(append => append.Events)
            .Count(e => e.GlobalPosition > heldEvents[^1].GlobalPosition);
        committedAboveWhileHeld.ShouldBeGreaterThan(Writers, "others committed above the held transaction's positions while it was open");
        (await db.ReadAllAsync()).Select(e => e.EventId).ToHashSet().SetEquals(ledger.CommittedIds).ShouldBeTrue("the ledger matches the log");

        // Exactly the committed events, each once.
        seen.Count.ShouldBe(committed.Count);
        seen.Select(row => row.EventId).ToHashSet().SetEquals(ledger.CommittedIds).ShouldBeTrue();
        seen.Where(row => ledger.RolledBackIds.Contains(row.EventId)).ShouldBeEmpty();

        // In position order, so each aggregate's versions come contiguously from 1.
        seen.Select(row => row.GlobalPosition).ShouldBeInOrder(SortDirection.Ascending);
        seen.Select(row => row.GlobalPosition).Distinct().Count().ShouldBe(seen.Count);
        foreach (var aggregate in seen.GroupBy(row => row.AggregateId))
        {
            aggregate.Select(row => row.AggregateVersion).ShouldBe(Enumerable.Range(1, aggregate.Count()).Select(version => (long)version));
        }

        // Nothing above the open transaction was delivered while it was open, and its events followed its commit promptly.
        seenWhileHeld.ShouldAllBe(row => row.GlobalPosition < heldEvents[0].GlobalPosition);
        foreach (var e in heldEvents)
        {
            var row = seen.Single(row => row.EventId == e.EventId);
            row.SeenAt.ShouldBeGreaterThan(heldCommitClock);
            (row.SeenAt - heldCommitClock).ShouldBeLessThan(TimeSpan.FromSeconds(1));
        }

        var checkpoint = (await db.CheckpointAsync(SeenConsumer.DefaultName)).ShouldNotBeNull();
        checkpoint.Position.ShouldBeGreaterThanOrEqualTo(committed.Max(e => e.GlobalPosition));
    }

    /// <summary>
    /// Appends to one or two of the shared aggregates per transaction until the time is up, pauses before the end in
    /// the server or in the client, and rolls back one transaction in five.
    /// </summary>
    private static async Task WriteUntilAsync(
        ConsumerDatabase db, AppendLedger ledger, string[] aggregates, Random random, Task start, Stopwatch clock)
    {
        await using var connection = await db.OpenConnectionAsync();
        await start;
        while (clock.Elapsed < WriteFor)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var appends = new List<AppendResult>();
            foreach (var aggregate in PickAggregates(aggregates, random))
            {
                appends.Add(await db.Store.Store.AppendAsync(transaction, ExpectedVersion.Any, Events(Order, aggregate, random.Next(1, 4))));
            }

            await PauseAsync(transaction, random.Next(0, 51), inServer: random.Next(2) == 0);
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
    }

    /// <summary>
    /// One aggregate, or two in a fixed order: a transaction with two appends holds positions with others' in between,
    /// and the fixed order keeps writers from deadlocking on the head rows.
    /// </summary>
    private static IEnumerable<string> PickAggregates(string[] aggregates, Random random)
    {
        var first = random.Next(aggregates.Length);
        yield return aggregates[first];
        if (random.Next(4) == 0 && first < aggregates.Length - 1)
        {
            yield return aggregates[random.Next(first + 1, aggregates.Length)];
        }
    }

    private static async Task PauseAsync(NpgsqlTransaction transaction, int milliseconds, bool inServer)
    {
        if (inServer)
        {
            await using var command = new NpgsqlCommand("SELECT pg_sleep(@seconds)", transaction.Connection, transaction);
            command.Parameters.AddWithValue("seconds", milliseconds / 1000.0);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            await Task.Delay(milliseconds);
        }
    }

    /// <summary>
    /// Appends to an aggregate of its own once the writers are under way, keeps the transaction open, and commits.
    /// Returns its events, when the append returned and the commit began, the server's clock just before the commit, and
    /// what the consumer had committed by then.
    /// </summary>
    private static async Task<(IReadOnlyList<PersistedEvent> Events, long AppendedAt, long CommitStartedAt, DateTime CommitClock, List<SeenRow> SeenBefore)>
        HoldOneAppendOpenAsync(ConsumerDatabase db, AppendLedger ledger, Task start)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await start;
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var result = await db.Store.Store.AppendAsync(transaction, ExpectedVersion.Any, Events("Held", NewId(), 2));
        var appendedAt = Stopwatch.GetTimestamp();

        await Task.Delay(HoldFor);
        var seenBefore = await db.SeenAsync();
        await using var clockCommand = new NpgsqlCommand("SELECT clock_timestamp()", connection, transaction);
        var commitClock = (DateTime)(await clockCommand.ExecuteScalarAsync())!;
        var commitStartedAt = Stopwatch.GetTimestamp();
        await transaction.CommitAsync();
        ledger.Committed([result]);
        return (result.Events, appendedAt, commitStartedAt, commitClock, seenBefore);
    }
}
