using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Faults.FaultTestSupport;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Faults;

/// <summary>
/// Reads cancelled while a blocking transaction locks the events table. Both tests lock the same table, so in this
/// fixture's database they take turns; each waits for its own reader, so the order does not matter.
/// </summary>
public sealed class CancelledReadTests : Store.StoreFixture
{
    private const string Order = "Order";

    [Test]
    public async Task A_stream_read_cancelled_while_it_waits_throws_OperationCanceledException_and_leaves_its_connection_usable()
    {
        var id = NewAggregateId();
        var stored = Events(Order, id, 2);
        await Db.AppendAsync(ExpectedVersion.NoStream, stored);
        await using var connection = await Db.OpenConnectionAsync();

        await CancelWhileBlockedAsync(connection,
            (transaction, token) => Db.Store.ReadAggregateStreamAsync(transaction, Order, id, cancellationToken: token));

        await using var next = await connection.BeginTransactionAsync();
        (await Db.Store.ReadAggregateStreamAsync(next, Order, id)).Events.Select(e => e.EventId)
            .ShouldBe(stored.Select(e => e.EventId));
    }

    [Test]
    public async Task A_global_read_cancelled_while_it_waits_throws_OperationCanceledException_and_leaves_its_connection_usable()
    {
        var id = NewAggregateId();
        var stored = Events(Order, id, 2);
        await Db.AppendAsync(ExpectedVersion.NoStream, stored);
        await using var connection = await Db.OpenConnectionAsync();

        await CancelWhileBlockedAsync(connection,
            (transaction, token) => Db.Store.ReadEventsAsync(transaction, 0, PostgresEventStore.MaxReadLimit, token));

        await using var next = await connection.BeginTransactionAsync();
        (await Db.Store.ReadEventsAsync(next, 0, PostgresEventStore.MaxReadLimit)).Where(e => e.AggregateId == id)
            .Select(e => e.EventId).ShouldBe(stored.Select(e => e.EventId));
    }

    /// <summary>Starts <paramref name="read"/> behind a lock on the events table, cancels it once it waits, and rolls back.</summary>
    private async Task CancelWhileBlockedAsync(NpgsqlConnection connection, Func<NpgsqlTransaction, CancellationToken, Task> read)
    {
        await using var blocker = await BlockingTransaction.LockEventsTableAsync(Db);
        using var cancellation = new CancellationTokenSource();
        await using var transaction = await connection.BeginTransactionAsync();
        var reading = read(transaction, cancellation.Token);
        await WaitUntilBlockedAsync(Db, connection.ProcessID);

        await cancellation.CancelAsync();

        var cancelled = await ShouldBeCancelledAsync(reading);
        cancelled.InnerException.ShouldBeOfType<PostgresException>().SqlState.ShouldBe(PostgresErrorCodes.QueryCanceled);
        await transaction.RollbackAsync();
    }
}
