using EventStore.Dapper;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Store;

[TestFixture(ServerRoute.Direct, LogSchema.Plain)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Plain)]
[TestFixture(ServerRoute.Direct, LogSchema.Partitioned)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Partitioned)]
public sealed class StreamReadTests(ServerRoute route, LogSchema schema) : StoreFixture(route, schema)
{
    private PostgresEventStore Store => Db.Store;


    [Test]
    public async Task Reading_a_whole_stream_returns_every_event_in_version_order()
    {
        var id = NewId();
        var events = await AppendInBatchesAsync("Order", id, 2, 3);

        var stream = await Db.ReadStreamAsync("Order", id);

        stream.AggregateType.ShouldBe("Order");
        stream.AggregateId.ShouldBe(id);
        stream.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2, 3, 4, 5]);
        stream.Events.Select(e => e.EventId).ShouldBe(events.Select(e => e.EventId));
        stream.Count.ShouldBe(5);
        stream.Version.ShouldBe(5);
        stream.IsEmpty.ShouldBeFalse();
    }

    [Test]
    public async Task Reading_from_a_version_returns_that_version_and_every_later_one()
    {
        var id = NewId();
        await AppendInBatchesAsync("Order", id, 5);

        var stream = await Db.ReadStreamAsync("Order", id, fromVersion: 3);

        stream.Events.Select(e => e.AggregateVersion).ShouldBe([3L, 4, 5]);
        stream.Version.ShouldBe(5);
    }

    [Test]
    public async Task Reading_from_version_zero_returns_the_whole_stream()
    {
        var id = NewId();
        await AppendInBatchesAsync("Order", id, 3);

        var stream = await Db.ReadStreamAsync("Order", id, fromVersion: 0);

        stream.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2, 3]);
    }

    [Test]
    public async Task Reading_to_a_version_returns_every_event_up_to_and_including_it()
    {
        var id = NewId();
        await AppendInBatchesAsync("Order", id, 5);

        var stream = await Db.ReadStreamAsync("Order", id, toVersion: 2);

        stream.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2]);
        stream.Version.ShouldBe(2, "after a bounded read Version is the last version in range, not the aggregate's");
    }

    [Test]
    public async Task Reading_a_range_includes_both_bounds()
    {
        var id = NewId();
        await AppendInBatchesAsync("Order", id, 5);

        var stream = await Db.ReadStreamAsync("Order", id, fromVersion: 2, toVersion: 4);

        stream.Events.Select(e => e.AggregateVersion).ShouldBe([2L, 3, 4]);
    }

    [Test]
    public async Task Reading_a_range_of_one_version_returns_that_event()
    {
        var id = NewId();
        var events = await AppendInBatchesAsync("Order", id, 3);

        var stream = await Db.ReadStreamAsync("Order", id, fromVersion: 2, toVersion: 2);

        stream.Events.ShouldHaveSingleItem().EventId.ShouldBe(events[1].EventId);
    }

    [Test]
    public async Task Reading_a_range_that_runs_past_the_end_returns_the_events_that_exist()
    {
        var id = NewId();
        await AppendInBatchesAsync("Order", id, 5);

        var stream = await Db.ReadStreamAsync("Order", id, fromVersion: 4, toVersion: 10);

        stream.Events.Select(e => e.AggregateVersion).ShouldBe([4L, 5]);
    }

    [Test]
    public async Task Reading_a_range_wholly_beyond_the_end_returns_an_empty_stream()
    {
        var id = NewId();
        await AppendInBatchesAsync("Order", id, 5);

        var stream = await Db.ReadStreamAsync("Order", id, fromVersion: 6, toVersion: 10);

        stream.IsEmpty.ShouldBeTrue();
        stream.Version.ShouldBe(0);
    }

    [Test]
    public async Task Reading_an_aggregate_without_events_returns_an_empty_stream_not_an_error()
    {
        var id = NewId();

        var stream = await Db.ReadStreamAsync("Order", id);

        stream.AggregateType.ShouldBe("Order");
        stream.AggregateId.ShouldBe(id);
        stream.IsEmpty.ShouldBeTrue();
        stream.Count.ShouldBe(0);
        stream.Version.ShouldBe(0);
        stream.Events.ShouldBeEmpty();
    }

    [Test]
    public async Task Reading_a_bounded_range_of_an_aggregate_without_events_returns_an_empty_stream()
    {
        var stream = await Db.ReadStreamAsync("Order", NewId(), fromVersion: 1, toVersion: 3);

        stream.IsEmpty.ShouldBeTrue();
        stream.Version.ShouldBe(0);
    }

    [Test]
    public async Task Aggregates_of_the_same_type_with_different_ids_are_kept_apart()
    {
        var first = NewId();
        var second = NewId();
        var firstEvents = await AppendInBatchesAsync("Order", first, 2);
        var secondEvents = await AppendInBatchesAsync("Order", second, 3);

        var firstStream = await Db.ReadStreamAsync("Order", first);
        var secondStream = await Db.ReadStreamAsync("Order", second);

        firstStream.Events.Select(e => e.EventId).ShouldBe(firstEvents.Select(e => e.EventId));
        firstStream.Events.ShouldAllBe(e => e.AggregateId == first);
        secondStream.Events.Select(e => e.EventId).ShouldBe(secondEvents.Select(e => e.EventId));
        secondStream.Events.ShouldAllBe(e => e.AggregateId == second);
        secondStream.Version.ShouldBe(3);
    }

    [Test]
    public async Task Aggregates_with_the_same_id_but_different_types_are_kept_apart()
    {
        var id = NewId();
        var orderEvents = await AppendInBatchesAsync("Order", id, 2);
        var invoiceEvents = await AppendInBatchesAsync("Invoice", id, 1);

        var orders = await Db.ReadStreamAsync("Order", id);
        var invoices = await Db.ReadStreamAsync("Invoice", id);

        orders.Events.Select(e => e.EventId).ShouldBe(orderEvents.Select(e => e.EventId));
        orders.Events.ShouldAllBe(e => e.AggregateType == "Order");
        orders.Version.ShouldBe(2);
        invoices.Events.Select(e => e.EventId).ShouldBe(invoiceEvents.Select(e => e.EventId));
        invoices.Events.ShouldAllBe(e => e.AggregateType == "Invoice");
        invoices.Version.ShouldBe(1, "versions are counted per aggregate type and id, not per id");
    }

    [Test]
    public async Task Aggregate_ids_are_compared_exactly_including_case()
    {
        var id = NewId("Case");
        await AppendInBatchesAsync("Order", id, 1);

        var stream = await Db.ReadStreamAsync("Order", id.ToUpperInvariant());

        stream.IsEmpty.ShouldBeTrue();
    }

    [Test]
    public async Task A_stream_is_in_version_order_even_when_appends_to_two_aggregates_interleave()
    {
        var left = NewId("left");
        var right = NewId("right");
        var expectedLeft = new List<Guid>();
        var expectedRight = new List<Guid>();
        for (var round = 0; round < 4; round++)
        {
            expectedLeft.AddRange((await AppendInBatchesAsync("Order", left, 1)).Select(e => e.EventId));
            expectedRight.AddRange((await AppendInBatchesAsync("Order", right, 2)).Select(e => e.EventId));
        }

        var leftStream = await Db.ReadStreamAsync("Order", left);
        var rightStream = await Db.ReadStreamAsync("Order", right);

        leftStream.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2, 3, 4]);
        leftStream.Events.Select(e => e.EventId).ShouldBe(expectedLeft);
        leftStream.Events.Select(e => e.GlobalPosition).ShouldBeInOrder(SortDirection.Ascending);
        rightStream.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2, 3, 4, 5, 6, 7, 8]);
        rightStream.Events.Select(e => e.EventId).ShouldBe(expectedRight);
        var leftPositions = leftStream.Events.Select(e => e.GlobalPosition).ToList();
        var rightPositions = rightStream.Events.Select(e => e.GlobalPosition).ToList();
        leftPositions[1].ShouldBeGreaterThan(rightPositions[1], "the appends really interleaved in the global log");
    }

    [Test]
    public async Task A_stream_is_read_in_version_order_even_when_rows_are_stored_out_of_order()
    {
        // Interleaving transactions can give a later version a lower global position; ordering must follow versions.
        var id = NewId();
        await using (var connection = await Db.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, $"""
                INSERT INTO events (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, created_at)
                VALUES ('Order', '{id}', 3, gen_random_uuid(), 'Third', '\x00', now()),
                       ('Order', '{id}', 1, gen_random_uuid(), 'First', '\x00', now()),
                       ('Order', '{id}', 2, gen_random_uuid(), 'Second', '\x00', now())
                """);
            if (Schema == LogSchema.Partitioned)
            {
                // A partitioned log finds a stream through its key table, which the append fills.
                await ExecuteAsync(connection, $"""
                    INSERT INTO events_keys (event_id, aggregate_type, aggregate_id, aggregate_version, global_position)
                    SELECT event_id, aggregate_type, aggregate_id, aggregate_version, global_position FROM events WHERE aggregate_id = '{id}'
                    """);
            }
        }

        var stream = await Db.ReadStreamAsync("Order", id);
        var range = await Db.ReadStreamAsync("Order", id, fromVersion: 1, toVersion: 3);

        stream.Events.Select(e => e.EventType).ShouldBe(["First", "Second", "Third"]);
        range.Events.Select(e => e.EventType).ShouldBe(["First", "Second", "Third"]);
        stream.Version.ShouldBe(3);
    }

    [Test]
    public async Task A_read_in_the_appending_transaction_sees_its_own_events_and_others_do_not_until_commit()
    {
        var id = NewId();
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Order", id, 2));

        var inside = await Store.ReadAggregateStreamAsync(transaction, "Order", id);
        var outsideBefore = await Db.ReadStreamAsync("Order", id);
        await transaction.CommitAsync();
        var outsideAfter = await Db.ReadStreamAsync("Order", id);

        inside.Version.ShouldBe(2);
        outsideBefore.IsEmpty.ShouldBeTrue();
        outsideAfter.Version.ShouldBe(2);
    }

    [Test]
    public async Task Versions_continue_across_several_appends_to_one_aggregate()
    {
        var id = NewId();

        var first = await Db.AppendAsync(ExpectedVersion.NoStream, Events("Order", id, 2));
        var second = await Db.AppendAsync(ExpectedVersion.Exact(2), Events("Order", id, 1));
        var third = await Db.AppendAsync(ExpectedVersion.Any, Events("Order", id, 3));

        (first.FromVersion, first.ToVersion).ShouldBe((0L, 2L));
        (second.FromVersion, second.ToVersion).ShouldBe((2L, 3L));
        (third.FromVersion, third.ToVersion).ShouldBe((3L, 6L));
        var stream = await Db.ReadStreamAsync("Order", id);
        stream.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2, 3, 4, 5, 6]);
        stream.Events.Select(e => e.EventId)
            .ShouldBe(first.Events.Concat(second.Events).Concat(third.Events).Select(e => e.EventId));
        stream.Version.ShouldBe(6);
    }

    [Test]
    public async Task Versions_of_several_aggregates_continue_independently()
    {
        var orderA = NewId("a");
        var orderB = NewId("b");

        await Db.AppendAsync(ExpectedVersion.NoStream, Events("Order", orderA, 3));
        await Db.AppendAsync(ExpectedVersion.NoStream, Events("Order", orderB, 1));
        var nextA = await Db.AppendAsync(ExpectedVersion.Exact(3), Events("Order", orderA, 1));
        var nextB = await Db.AppendAsync(ExpectedVersion.Exact(1), Events("Order", orderB, 2));
        var sameIdOtherType = await Db.AppendAsync(ExpectedVersion.NoStream, Events("Invoice", orderA, 1));

        nextA.FromVersion.ShouldBe(3);
        (nextB.FromVersion, nextB.ToVersion).ShouldBe((1L, 3L));
        sameIdOtherType.FromVersion.ShouldBe(0);
        (await Db.ReadStreamAsync("Order", orderA)).Version.ShouldBe(4);
        (await Db.ReadStreamAsync("Order", orderB)).Version.ShouldBe(3);
        (await Db.ReadStreamAsync("Invoice", orderA)).Version.ShouldBe(1);
    }

    /// <summary>Appends one batch per entry of <paramref name="batchSizes"/>, each in its own transaction.</summary>
    private async Task<List<Event>> AppendInBatchesAsync(string aggregateType, string aggregateId, params int[] batchSizes)
    {
        var appended = new List<Event>();
        foreach (var size in batchSizes)
        {
            var batch = Events(aggregateType, aggregateId, size);
            await Db.AppendAsync(ExpectedVersion.Any, batch);
            appended.AddRange(batch);
        }

        return appended;
    }
}
