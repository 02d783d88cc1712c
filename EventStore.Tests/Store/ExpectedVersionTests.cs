using System.Data;
using EventStore.Tests.Core;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

[TestFixture(ServerRoute.Direct, LogSchema.Plain)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Plain)]
[TestFixture(ServerRoute.Direct, LogSchema.Partitioned)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Partitioned)]
public sealed class ExpectedVersionTests(ServerRoute route, LogSchema schema) : StoreFixture(route, schema)
{
    private const string Order = "Order";


    [Test]
    public async Task NoStream_on_a_new_aggregate_stores_the_events_from_version_1()
    {
        var id = NewAggregateId();

        var result = await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 2));

        result.FromVersion.ShouldBe(0);
        result.ToVersion.ShouldBe(2);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((2L, (long?)2));
    }

    [Test]
    public async Task NoStream_with_one_event_reports_the_aggregate_moving_from_version_0_to_1()
    {
        var id = NewAggregateId();

        var result = await Db.AppendAsync(ExpectedVersion.NoStream, TestEvents.Valid(Order, id));

        (result.FromVersion, result.ToVersion).ShouldBe((0L, 1L));
    }

    [Test]
    public async Task Exact_3_with_two_events_reports_the_aggregate_moving_from_version_3_to_5()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 3));

        var result = await Db.AppendAsync(ExpectedVersion.Exact(3), Events(Order, id, 2));

        (result.FromVersion, result.ToVersion).ShouldBe((3L, 5L));
        result.Events.Select(e => e.AggregateVersion).ShouldBe([4L, 5L]);
    }

    [Test]
    public async Task NoStream_on_an_existing_aggregate_raises_a_conflict_with_the_current_version_and_stores_nothing()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 2));

        var conflict = await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => Db.AppendAsync(ExpectedVersion.NoStream, TestEvents.Valid(Order, id)));

        conflict.AggregateType.ShouldBe(Order);
        conflict.AggregateId.ShouldBe(id);
        conflict.ExpectedVersion.ShouldBe(ExpectedVersion.NoStream);
        conflict.ActualVersion.ShouldBe(2);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((2L, (long?)2));
    }

    [Test]
    public async Task Exact_at_the_current_version_appends_after_it()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 2));

        var result = await Db.AppendAsync(ExpectedVersion.Exact(2), Events(Order, id, 3));

        result.FromVersion.ShouldBe(2);
        result.ToVersion.ShouldBe(5);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((5L, (long?)5));
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task Exact_at_a_wrong_version_raises_a_conflict_with_the_current_version_and_stores_nothing(long expected)
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 2));

        var conflict = await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => Db.AppendAsync(ExpectedVersion.Exact(expected), TestEvents.Valid(Order, id)));

        conflict.ExpectedVersion.ShouldBe(ExpectedVersion.Exact(expected));
        conflict.ActualVersion.ShouldBe(2);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((2L, (long?)2));
    }

    [Test]
    public async Task Exact_above_0_on_a_missing_aggregate_raises_a_conflict_with_actual_version_0_and_stores_nothing()
    {
        var id = NewAggregateId();

        var conflict = await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => Db.AppendAsync(ExpectedVersion.Exact(1), TestEvents.Valid(Order, id)));

        conflict.ExpectedVersion.ShouldBe(ExpectedVersion.Exact(1));
        conflict.ActualVersion.ShouldBe(0);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((0L, (long?)null));
    }

    [Test]
    public async Task Exact_0_on_a_new_aggregate_succeeds_like_NoStream()
    {
        var id = NewAggregateId();

        var result = await Db.AppendAsync(ExpectedVersion.Exact(0), TestEvents.Valid(Order, id));

        result.ToVersion.ShouldBe(1);
    }

    [Test]
    public async Task Exact_0_on_an_existing_aggregate_raises_the_same_conflict_as_NoStream()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 3));

        var conflict = await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => Db.AppendAsync(ExpectedVersion.Exact(0), TestEvents.Valid(Order, id)));

        conflict.ExpectedVersion.ShouldBe(ExpectedVersion.NoStream);
        conflict.ActualVersion.ShouldBe(3);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((3L, (long?)3));
    }

    [Test]
    public async Task Any_on_a_new_aggregate_starts_at_version_1()
    {
        var id = NewAggregateId();

        var result = await Db.AppendAsync(ExpectedVersion.Any, Events(Order, id, 2));

        result.FromVersion.ShouldBe(0);
        result.ToVersion.ShouldBe(2);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((2L, (long?)2));
    }

    [Test]
    public async Task Any_on_an_existing_aggregate_appends_after_the_current_version()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 4));

        var result = await Db.AppendAsync(ExpectedVersion.Any, Events(Order, id, 2));

        result.FromVersion.ShouldBe(4);
        result.ToVersion.ShouldBe(6);
        (await StoredVersionsAsync(Db, Order, id)).ShouldBe(Contiguous(6));
    }

    [Test]
    public async Task A_second_NoStream_reservation_of_the_same_email_fails_and_a_different_email_succeeds()
    {
        const string reservation = "EmailReservation";
        var email = $"{Guid.NewGuid():N}@example.com";
        var otherEmail = $"{Guid.NewGuid():N}@example.com";
        await Db.AppendAsync(ExpectedVersion.NoStream, TestEvents.Valid(reservation, email) with { EventType = "EmailReserved" });

        var taken = await Should.ThrowAsync<OptimisticConcurrencyException>(() => Db.AppendAsync(
            ExpectedVersion.NoStream, TestEvents.Valid(reservation, email) with { EventType = "EmailReserved" }));
        var other = await Db.AppendAsync(
            ExpectedVersion.NoStream, TestEvents.Valid(reservation, otherEmail) with { EventType = "EmailReserved" });

        taken.AggregateId.ShouldBe(email);
        other.ToVersion.ShouldBe(1);
        (await AggregateStateAsync(Db, reservation, email)).ShouldBe((1L, (long?)1));
    }

    // The conflict is read from the statement's rows, not raised by the server, so PostgreSQL does not abort the
    // transaction and the caller may go on using it.
    [Test]
    public async Task After_a_conflict_the_callers_transaction_still_appends_and_commits()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 2));
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => Db.Store.AppendAsync(transaction, ExpectedVersion.NoStream, [TestEvents.Valid(Order, id)]));

        var retry = await Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(2), [TestEvents.Valid(Order, id)]);
        await transaction.CommitAsync();

        retry.ToVersion.ShouldBe(3);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((3L, (long?)3));
    }

    // Under REPEATABLE READ the server raises a serialization failure when the head row moved after the snapshot.
    [TestCase(IsolationLevel.RepeatableRead)]
    [TestCase(IsolationLevel.Serializable)]
    public async Task A_head_moved_after_the_snapshot_is_a_conflict_and_never_a_raw_PostgresException(IsolationLevel isolation)
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, TestEvents.Valid(Order, id));
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(isolation);
        var seen = await Db.Store.ReadAggregateStreamAsync(transaction, Order, id);
        await Db.AppendAsync(ExpectedVersion.Exact(1), TestEvents.Valid(Order, id));

        var conflict = await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(seen.Version), [TestEvents.Valid(Order, id)]));

        conflict.ExpectedVersion.ShouldBe(ExpectedVersion.Exact(1));
        conflict.InnerException.ShouldBeOfType<PostgresException>().SqlState.ShouldBe(PostgresErrorCodes.SerializationFailure);
        await transaction.RollbackAsync();
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((2L, (long?)2));
    }
}
