using EventStore.Tests.Core;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// Writers race on connections of their own. Each opens its connection and transaction first and then waits at a
/// common start line, so the appends really overlap. The writer that gets through holds its transaction open until
/// every other writer waits for one of its locks, so the others queue behind it instead of running one after another,
/// however slowly a loaded machine starts them.
/// </summary>
[TestFixture(ServerRoute.Direct, LogSchema.Plain)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Plain)]
[TestFixture(ServerRoute.Direct, LogSchema.Partitioned)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Partitioned)]
public sealed class ConcurrencyTests(ServerRoute route, LogSchema schema) : StoreFixture(route, schema)
{
    private const string Order = "Order";
    private const int Writers = 8;


    [Test]
    public async Task Of_writers_racing_with_Exact_at_the_same_version_exactly_one_wins()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 3));

        var outcomes = await RaceAsync(() => Events(Order, id, 2), ExpectedVersion.Exact(3));

        var winner = outcomes.OfType<AppendResult>().ShouldHaveSingleItem();
        (winner.FromVersion, winner.ToVersion).ShouldBe((3L, 5L));
        var conflicts = outcomes.OfType<OptimisticConcurrencyException>().ToList();
        conflicts.Count.ShouldBe(Writers - 1);
        conflicts.ShouldAllBe(conflict => conflict.ExpectedVersion == ExpectedVersion.Exact(3));
        // A loser reports the version its statement saw, or nothing if that was still the version it expected.
        conflicts.ShouldAllBe(conflict => conflict.ActualVersion == null || conflict.ActualVersion == 5);
        conflicts.ShouldContain(conflict => conflict.ActualVersion == null, "no loser overlapped the winner, so nothing raced");
        (await StoredVersionsAsync(Db, Order, id)).ShouldBe(Contiguous(5));
        (await AggregateStateAsync(Db, Order, id)).Head.ShouldBe(5);
    }

    [Test]
    public async Task Of_writers_racing_with_NoStream_to_create_one_aggregate_exactly_one_wins()
    {
        var id = NewAggregateId();

        var outcomes = await RaceAsync(() => Events(Order, id, 1), ExpectedVersion.NoStream);

        var winner = outcomes.OfType<AppendResult>().ShouldHaveSingleItem();
        var conflicts = outcomes.OfType<OptimisticConcurrencyException>().ToList();
        conflicts.Count.ShouldBe(Writers - 1);
        conflicts.ShouldAllBe(conflict => conflict.ExpectedVersion == ExpectedVersion.NoStream);
        conflicts.ShouldAllBe(conflict => conflict.ActualVersion == null || conflict.ActualVersion == 1);
        conflicts.ShouldContain(conflict => conflict.ActualVersion == null, "no loser overlapped the winner, so nothing raced");
        var stored = (await Db.ReadStreamAsync(Order, id)).Events.ShouldHaveSingleItem();
        stored.EventId.ShouldBe(winner.Events[0].EventId);
        (await AggregateStateAsync(Db, Order, id)).Head.ShouldBe(1);
    }

    [Test]
    public async Task Writers_racing_with_Any_on_one_aggregate_all_succeed_with_contiguous_versions()
    {
        const int appendsPerWriter = 50;
        var id = NewAggregateId();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, Writers).Select(_ => AppendManyAsync(start.Task, id, appendsPerWriter)).ToList();
        start.SetResult();
        var results = (await Task.WhenAll(writers)).SelectMany(results => results).ToList();

        const int total = Writers * appendsPerWriter;
        results.Select(result => result.ToVersion).Order().ShouldBe(Contiguous(total));
        var stored = (await Db.ReadStreamAsync(Order, id)).Events;
        stored.Select(e => e.AggregateVersion).ShouldBe(Contiguous(total));
        stored.Select(e => e.EventId).Distinct().Count().ShouldBe(total);
        stored.Select(e => e.EventId).ShouldBe(results.OrderBy(result => result.ToVersion).Select(result => result.Events[0].EventId));
        (await AggregateStateAsync(Db, Order, id)).Head.ShouldBe(total);
    }

    // Neither statement sees the other's uncommitted row, so the unique index is what catches the second one.
    [Test]
    public async Task Of_writers_racing_to_store_one_event_id_exactly_one_succeeds_and_the_others_get_DuplicateEventException()
    {
        var eventId = Guid.NewGuid();

        var outcomes = await RaceAsync(() => [TestEvents.Valid(Order, NewAggregateId()) with { EventId = eventId }], ExpectedVersion.Any);

        outcomes.OfType<AppendResult>().ShouldHaveSingleItem();
        var duplicates = outcomes.OfType<DuplicateEventException>().ToList();
        duplicates.Count.ShouldBe(Writers - 1);
        duplicates.ShouldAllBe(duplicate => duplicate.EventId == eventId);
        duplicates.ShouldContain(duplicate => duplicate.InnerException is PostgresException, "no loser overlapped the winner, so nothing raced");
        (await CountRowsWithEventIdAsync(Db, eventId)).ShouldBe(1);
    }

    /// <summary>
    /// Runs <see cref="Writers"/> appends of the events <paramref name="batch"/> makes, each on its own connection,
    /// all released at once, and returns what each produced: an <see cref="AppendResult"/> or the exception.
    /// </summary>
    private async Task<object[]> RaceAsync(Func<Event[]> batch, ExpectedVersion expectedVersion)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backends = new int[Writers];
        var writers = Enumerable.Range(0, Writers).Select(writer => AppendOnceAsync(start.Task, backends, writer, batch(), expectedVersion)).ToList();
        start.SetResult();
        return await Task.WhenAll(writers);
    }

    private async Task<object> AppendOnceAsync(Task start, int[] backends, int writer, Event[] events, ExpectedVersion expectedVersion)
    {
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // BEGIN is only sent with the first command; send it now so the race starts inside the transaction.
        var backend = await ServerProcessIdAsync(transaction);
        Volatile.Write(ref backends[writer], backend);
        await start;
        try
        {
            var result = await Db.Store.AppendAsync(transaction, expectedVersion, events);
            await WaitUntilTheOthersWaitForALockAsync(backends, backend);
            await transaction.CommitAsync();
            return result;
        }
        catch (EventStoreException failure)
        {
            await transaction.RollbackAsync();
            return failure;
        }
    }

    /// <summary>
    /// Polls until every other writer's backend waits for a lock: while this writer's append is uncommitted, they can
    /// only be queued behind it. The deadline only keeps a broken test from hanging; the race assertions then report it.
    /// </summary>
    private async Task WaitUntilTheOthersWaitForALockAsync(int[] backends, int self)
    {
        await using var connection = await Db.OpenConnectionAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await CountWaitingAsync(connection, backends, self) < Writers - 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    // A slow writer records its backend only once its connection is open, so the list is read again on every poll.
    private static async Task<long> CountWaitingAsync(NpgsqlConnection connection, int[] backends, int self)
    {
        var others = Enumerable.Range(0, backends.Length).Select(writer => Volatile.Read(ref backends[writer])).Where(pid => pid != 0 && pid != self).ToArray();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1) AND wait_event_type = 'Lock'", connection);
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = others });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<AppendResult>> AppendManyAsync(Task start, string aggregateId, int appends)
    {
        await using var connection = await Db.OpenConnectionAsync();
        await start;
        var results = new List<AppendResult>(appends);
        for (var append = 0; append < appends; append++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            results.Add(await Db.Store.AppendAsync(transaction, ExpectedVersion.Any, [TestEvents.Valid(Order, aggregateId)]));
            await transaction.CommitAsync();
        }

        return results;
    }
}
