using EventStore.Dapper;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// Reads of the global log. Each test needs an exact log, so each makes a database of its own; argument checks are
/// rows of <see cref="BadInputMatrixTests"/>.
/// </summary>
[TestFixture(ServerRoute.Direct, LogSchema.Plain)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Plain)]
[TestFixture(ServerRoute.Direct, LogSchema.Partitioned)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Partitioned)]
public sealed class GlobalReadTests(ServerRoute route, LogSchema schema)
{

    [Test]
    public async Task Reading_after_a_position_returns_only_later_events_in_ascending_order_up_to_the_limit()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var positions = await AppendAcrossAggregatesAsync(db, 10);

        var page = await ReadAsync(db, fromPosition: positions[2], limit: 4);

        page.Select(e => e.GlobalPosition).ShouldBe(positions.Skip(3).Take(4));
    }

    [Test]
    public async Task Reading_from_zero_starts_at_the_first_event()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var positions = await AppendAcrossAggregatesAsync(db, 3);

        var page = await ReadAsync(db, fromPosition: 0, limit: 10);

        page.Select(e => e.GlobalPosition).ShouldBe(positions);
        positions[0].ShouldBeGreaterThan(0, "positions are positive, so 0 reads from the start");
    }

    [Test]
    public async Task Reading_with_a_limit_above_the_remaining_events_returns_just_those()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var positions = await AppendAcrossAggregatesAsync(db, 5);

        var page = await ReadAsync(db, fromPosition: positions[3], limit: 100);

        page.Select(e => e.GlobalPosition).ShouldBe([positions[4]]);
    }

    [Test]
    public async Task Reading_after_the_last_position_returns_nothing()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var positions = await AppendAcrossAggregatesAsync(db, 3);

        (await ReadAsync(db, fromPosition: positions[^1], limit: 10)).ShouldBeEmpty();
    }

    [Test]
    public async Task Reading_an_empty_store_returns_nothing()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);

        (await ReadAsync(db, fromPosition: 0, limit: 10)).ShouldBeEmpty();
    }

    [Test]
    public async Task Events_of_every_aggregate_are_returned_with_their_stored_fields()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var order = await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", "o-1", 2));
        var invoice = await db.AppendAsync(ExpectedVersion.NoStream, Events("Invoice", "i-1", 1));

        var page = await ReadAsync(db, fromPosition: 0, limit: 10);

        page.Select(e => (e.AggregateType, e.AggregateId, e.AggregateVersion)).ShouldBe(
            [("Order", "o-1", 1L), ("Order", "o-1", 2L), ("Invoice", "i-1", 1L)]);
        page.Select(e => e.EventId).ShouldBe(order.Events.Concat(invoice.Events).Select(e => e.EventId));
    }

    [Test]
    public async Task Paging_through_the_log_returns_every_event_exactly_once_in_order()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var positions = await AppendAcrossAggregatesAsync(db, 25);

        var read = new List<PersistedEvent>();
        var checkpoint = 0L;
        var pages = 0;
        while (true)
        {
            var page = await ReadAsync(db, checkpoint, limit: 7);
            if (page.Count == 0)
            {
                break;
            }

            page.Count.ShouldBeLessThanOrEqualTo(7);
            read.AddRange(page);
            checkpoint = page[^1].GlobalPosition;
            pages++;
        }

        pages.ShouldBe(4);
        read.Select(e => e.GlobalPosition).ShouldBe(positions);
        read.Select(e => e.EventId).Distinct().Count().ShouldBe(25);
    }

    [Test]
    public async Task Reading_with_the_largest_allowed_limit_is_accepted()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var positions = await AppendAcrossAggregatesAsync(db, 2);

        var page = await ReadAsync(db, fromPosition: 0, limit: PostgresEventStore.MaxReadLimit);

        page.Select(e => e.GlobalPosition).ShouldBe(positions);
    }

    [Test]
    public async Task The_latest_position_of_an_empty_store_is_zero()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);

        (await LatestAsync(db)).ShouldBe(0);
    }

    [Test]
    public async Task The_latest_position_is_the_last_position_appended()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", "o-1", 2));
        var last = await db.AppendAsync(ExpectedVersion.NoStream, Events("Invoice", "i-1", 3));

        var latest = await LatestAsync(db);

        latest.ShouldBe(last.GlobalPositions[^1]);
        (await ReadAsync(db, 0, 100))[^1].GlobalPosition.ShouldBe(latest);
    }

    [Test]
    public async Task The_latest_position_does_not_include_uncommitted_appends_of_other_transactions()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var committed = await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", "o-1", 1));
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var pending = await db.Store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Order", "o-2", 1));

        var seenByOthers = await LatestAsync(db);
        var seenInside = await db.Store.GetLatestGlobalPositionAsync(transaction);

        seenByOthers.ShouldBe(committed.GlobalPositions[^1]);
        seenInside.ShouldBe(pending.GlobalPositions[^1]);
    }

    /// <summary>
    /// The checkpoint caveat of <see cref="IEventReader"/>: positions come from a sequence at insert time, but become
    /// visible at commit, so a reader can see a higher position before a lower one.
    /// </summary>
    [Test]
    public async Task A_lower_position_committed_after_a_higher_one_becomes_visible_later_so_the_highest_seen_is_not_a_safe_checkpoint()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        await using var slowConnection = await db.OpenConnectionAsync();
        await using var slow = await slowConnection.BeginTransactionAsync();
        var lower = (await db.Store.AppendAsync(slow, ExpectedVersion.NoStream, Events("Order", "slow", 1))).GlobalPositions[0];
        await using var fastConnection = await db.OpenConnectionAsync();
        await using var fast = await fastConnection.BeginTransactionAsync();
        var higher = (await db.Store.AppendAsync(fast, ExpectedVersion.NoStream, Events("Order", "fast", 1))).GlobalPositions[0];
        await fast.CommitAsync();

        var beforeSlowCommits = await ReadAsync(db, 0, 100);
        var checkpoint = beforeSlowCommits[^1].GlobalPosition;
        await slow.CommitAsync();
        var afterSlowCommits = await ReadAsync(db, 0, 100);
        var resumedFromCheckpoint = await ReadAsync(db, checkpoint, 100);

        lower.ShouldBeLessThan(higher);
        beforeSlowCommits.Select(e => e.GlobalPosition).ShouldBe([higher]);
        checkpoint.ShouldBe(higher);
        afterSlowCommits.Select(e => e.GlobalPosition).ShouldBe([lower, higher]);
        resumedFromCheckpoint.ShouldBeEmpty("a reader resuming after the highest position it saw never sees the lower one");
    }

    [Test]
    public async Task A_rolled_back_append_leaves_a_permanent_gap_in_positions()
    {
        await using var db = await StoreDatabase.CreateAsync(route: route, schema: schema);
        var before = (await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", "kept-1", 1))).GlobalPositions[0];
        long rolledBack;
        await using (var connection = await db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            rolledBack = (await db.Store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Order", "lost", 1))).GlobalPositions[0];
            await transaction.RollbackAsync();
        }

        var after = (await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", "kept-2", 1))).GlobalPositions[0];
        var log = await ReadAsync(db, 0, 100);

        rolledBack.ShouldBeGreaterThan(before);
        after.ShouldBeGreaterThan(rolledBack, "a sequence never hands a rolled-back value out again");
        log.Select(e => e.GlobalPosition).ShouldBe([before, after]);
        (await ReadAsync(db, before, 1)).ShouldHaveSingleItem().GlobalPosition.ShouldBe(after);
    }

    private static Task<IReadOnlyList<PersistedEvent>> ReadAsync(StoreDatabase db, long fromPosition, int limit) =>
        db.InTransactionAsync(transaction => db.Store.ReadEventsAsync(transaction, fromPosition, limit));

    private static Task<long> LatestAsync(StoreDatabase db) =>
        db.InTransactionAsync(transaction => db.Store.GetLatestGlobalPositionAsync(transaction));

    /// <summary>Appends <paramref name="count"/> events, one per append, round-robin over three aggregates.</summary>
    private static async Task<List<long>> AppendAcrossAggregatesAsync(StoreDatabase db, int count)
    {
        var positions = new List<long>();
        for (var index = 0; index < count; index++)
        {
            var result = await db.AppendAsync(ExpectedVersion.Any, Events("Order", $"o-{index % 3}", 1));
            positions.Add(result.GlobalPositions[0]);
        }

        return positions;
    }
}
