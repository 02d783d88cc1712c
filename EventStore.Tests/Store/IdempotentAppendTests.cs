using EventStore.Tests.Core;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>The README's retry rules: an exact retry gets the original result back, anything else is a described conflict.</summary>
[TestFixture(ServerRoute.Direct, LogSchema.Plain)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Plain)]
[TestFixture(ServerRoute.Direct, LogSchema.Partitioned)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Partitioned)]
public sealed class IdempotentAppendTests(ServerRoute route, LogSchema schema) : StoreFixture(route, schema)
{
    private const string Order = "Order";

    private static readonly ExpectedVersion[] ExpectedVersionsOfAFirstAppend = [ExpectedVersion.NoStream, ExpectedVersion.Any, ExpectedVersion.Exact(0)];

    [TestCaseSource(nameof(ExpectedVersionsOfAFirstAppend))]
    public async Task Retrying_a_committed_append_returns_its_positions_and_versions_and_stores_nothing(ExpectedVersion expectedVersion)
    {
        var id = NewAggregateId();
        var events = Events(Order, id, 3);
        var original = await Db.AppendAsync(expectedVersion, events);

        var retried = await Db.AppendAsync(expectedVersion, events);

        retried.GlobalPositions.ShouldBe(original.GlobalPositions);
        retried.Events.Select(e => (e.EventId, e.AggregateVersion, e.GlobalPosition))
            .ShouldBe(original.Events.Select(e => (e.EventId, e.AggregateVersion, e.GlobalPosition)));
        (retried.FromVersion, retried.ToVersion).ShouldBe((0L, 3L), "a retry reports the move the original append made");
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((3L, (long?)3));
    }

    [Test]
    public async Task A_retry_of_an_Exact_append_after_the_aggregate_moved_on_still_gets_the_original_result()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 2));
        var events = Events(Order, id, 2);
        var original = await Db.AppendAsync(ExpectedVersion.Exact(2), events);
        await Db.AppendAsync(ExpectedVersion.Exact(4), Events(Order, id, 1));

        var retried = await Db.AppendAsync(ExpectedVersion.Exact(2), events);

        retried.GlobalPositions.ShouldBe(original.GlobalPositions);
        retried.FromVersion.ShouldBe(2);
        retried.ToVersion.ShouldBe(4);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((5L, (long?)5));
    }

    [Test]
    public async Task A_retry_with_Any_matches_events_stored_with_an_exact_version()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 1));
        var events = Events(Order, id, 2);
        var original = await Db.AppendAsync(ExpectedVersion.Exact(1), events);

        var retried = await Db.AppendAsync(ExpectedVersion.Any, events);

        retried.GlobalPositions.ShouldBe(original.GlobalPositions);
    }

    [Test]
    public async Task A_recognised_retry_leaves_the_transaction_usable_for_more_work()
    {
        var id = NewAggregateId();
        var events = Events(Order, id, 1);
        await Db.AppendAsync(ExpectedVersion.NoStream, events);

        var next = await Db.InTransactionAsync(async transaction =>
        {
            await Db.Store.AppendAsync(transaction, ExpectedVersion.NoStream, events);
            return await Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(1), Events(Order, id, 1));
        });

        next.FromVersion.ShouldBe(1);
    }

    [Test]
    public async Task A_retry_expecting_another_version_is_a_duplicate_that_says_where_the_events_are()
    {
        var id = NewAggregateId();
        var events = Events(Order, id, 2);
        await Db.AppendAsync(ExpectedVersion.NoStream, events);

        var duplicate = await ShouldConflictAsync(id, ExpectedVersion.Exact(5), events);

        duplicate.Message.ShouldContain("stored at versions 1-2, where expected version Exact(5) would have put them at 6-7");
        duplicate.EventId.ShouldBe(events[0].EventId);
    }

    [Test]
    public async Task An_append_whose_ids_are_only_partly_stored_is_a_duplicate_naming_what_is_missing_and_stores_nothing()
    {
        var id = NewAggregateId();
        var stored = Events(Order, id, 2);
        await Db.AppendAsync(ExpectedVersion.NoStream, stored);
        var fresh = TestEvents.Valid(Order, id);

        var duplicate = await ShouldConflictAsync(id, ExpectedVersion.NoStream, [.. stored, fresh]);

        duplicate.Message.ShouldContain($"event 2 ({fresh.EventId}) is not stored");
        duplicate.Message.ShouldContain("nothing was stored");
        (await CountRowsWithEventIdAsync(Db, fresh.EventId)).ShouldBe(0);
    }

    [Test]
    public async Task Stored_events_retried_in_another_order_are_a_duplicate()
    {
        var id = NewAggregateId();
        var events = Events(Order, id, 2);
        await Db.AppendAsync(ExpectedVersion.NoStream, events);

        var duplicate = await ShouldConflictAsync(id, ExpectedVersion.Any, [events[1], events[0]]);

        duplicate.Message.ShouldContain("stored at versions 2, 1, not as one run in this order");
    }

    [Test]
    public async Task A_stored_id_retried_with_another_payload_is_a_duplicate_naming_the_event()
    {
        var id = NewAggregateId();
        var original = TestEvents.Valid(Order, id);
        await Db.AppendAsync(ExpectedVersion.NoStream, original);

        var duplicate = await ShouldConflictAsync(id, ExpectedVersion.NoStream, [original with { Payload = """{"changed":true}"""u8.ToArray() }]);

        duplicate.Message.ShouldContain($"event 0 ({original.EventId}) is stored with another type, version, payload or metadata");
    }

    [TestCase("""{"a":1}""", """{"a":2}""", false)]
    [TestCase("""{"a":1,"b":2}""", """{ "b": 2, "a": 1 }""", true)]
    [TestCase("""{"a":1}""", null, false)]
    public async Task Metadata_counts_as_the_same_when_it_is_the_same_JSON_value(string storedMetadata, string? retriedMetadata, bool isRetry)
    {
        var id = NewAggregateId();
        var original = TestEvents.Valid(Order, id) with { Metadata = System.Text.Encoding.UTF8.GetBytes(storedMetadata) };
        await Db.AppendAsync(ExpectedVersion.NoStream, original);
        var retry = original with { Metadata = retriedMetadata is null ? null : System.Text.Encoding.UTF8.GetBytes(retriedMetadata) };

        if (isRetry)
        {
            (await Db.AppendAsync(ExpectedVersion.NoStream, retry)).ToVersion.ShouldBe(1);
        }
        else
        {
            await ShouldConflictAsync(id, ExpectedVersion.NoStream, [retry]);
        }
    }

    [Test]
    public async Task A_stored_id_retried_under_another_aggregate_is_a_duplicate_naming_where_it_is_stored()
    {
        var owner = NewAggregateId();
        var original = TestEvents.Valid(Order, owner);
        await Db.AppendAsync(ExpectedVersion.NoStream, original);
        var id = NewAggregateId();

        var duplicate = await ShouldConflictAsync(id, ExpectedVersion.NoStream, [original with { AggregateId = id }]);

        duplicate.Message.ShouldContain($"is stored under {Order}/{owner}");
    }

    [Test]
    public async Task A_conflict_over_many_events_lists_the_first_five_and_counts_the_rest()
    {
        var id = NewAggregateId();
        var stored = Events(Order, id, 1);
        await Db.AppendAsync(ExpectedVersion.NoStream, stored);

        var duplicate = await ShouldConflictAsync(id, ExpectedVersion.NoStream, [.. stored, .. Events(Order, id, 8)]);

        duplicate.Message.ShouldContain("is not stored, and 3 more");
    }

    /// <summary>
    /// The original still holds the head row, so the retry's statement waits and then sees the head moved; for Exact
    /// that is a concurrency conflict, and the next retry, in a new transaction, gets the original result.
    /// </summary>
    [Test]
    public async Task A_retry_racing_the_uncommitted_original_fails_and_the_next_retry_gets_the_original_result()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 1));
        var events = Events(Order, id, 2);
        await using var observer = await Db.OpenConnectionAsync();
        await using var originalConnection = await Db.OpenConnectionAsync();
        await using var originalTransaction = await originalConnection.BeginTransactionAsync();
        var original = await Db.Store.AppendAsync(originalTransaction, ExpectedVersion.Exact(1), events);
        await using var retryConnection = await Db.OpenConnectionAsync();
        await using var retryTransaction = await retryConnection.BeginTransactionAsync();
        var retryBackend = await ServerProcessIdAsync(retryTransaction);

        var racing = Db.Store.AppendAsync(retryTransaction, ExpectedVersion.Exact(1), events);
        await ReadTestSupport.WaitUntilBlockedAsync(observer, retryBackend);
        await originalTransaction.CommitAsync();

        await Should.ThrowAsync<OptimisticConcurrencyException>(() => racing);
        await retryTransaction.RollbackAsync();
        var retried = await Db.AppendAsync(ExpectedVersion.Exact(1), events);
        retried.GlobalPositions.ShouldBe(original.GlobalPositions);
    }

    private async Task<DuplicateEventException> ShouldConflictAsync(string aggregateId, ExpectedVersion expectedVersion, Event[] events)
    {
        var before = await AggregateStateAsync(Db, Order, aggregateId);
        var duplicate = await Should.ThrowAsync<DuplicateEventException>(() => Db.AppendAsync(expectedVersion, events));
        duplicate.Message.ShouldContain("is not a retry of the append that stored them, so nothing was stored");
        (await AggregateStateAsync(Db, Order, aggregateId)).ShouldBe(before);
        return duplicate;
    }
}
