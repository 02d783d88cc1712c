using EventStore.Tests.Store;
using Npgsql;
using static EventStore.Tests.Faults.FaultTestSupport;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Faults;

/// <summary>
/// Appends cut off while they wait for the aggregate's head row, which a blocking transaction holds. Each aggregate
/// has one committed event first, so it has a head row to wait for. An interrupted append must fail as a whole and
/// leave the store usable.
/// </summary>
public sealed class InterruptedAppendTests : StoreFixture
{
    private const string Order = "Order";

    [Test]
    public async Task An_append_whose_backend_is_terminated_while_it_waits_fails_with_AdminShutdown_and_stores_nothing()
    {
        var id = await NewAggregateWithOneEventAsync();
        var interrupted = Events(Order, id, 2);
        await using (var blocker = await BlockingTransaction.HoldHeadRowAsync(Db, Order, id))
        {
            await using var connection = await Db.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var append = Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(1), interrupted);
            await WaitUntilBlockedAsync(Db, connection.ProcessID);

            await TerminateBackendAsync(Db, connection.ProcessID);

            var failure = await Should.ThrowAsync<PostgresException>(() => append);
            failure.SqlState.ShouldBe(PostgresErrorCodes.AdminShutdown);
        }

        await ShouldHaveStoredNoneOfAsync(Db, interrupted, committed: 1);
        await ShouldAppendAndReadAfterwardsAsync(id);
    }

    [Test]
    public async Task An_append_cancelled_while_it_waits_throws_OperationCanceledException_and_leaves_its_connection_usable()
    {
        var id = await NewAggregateWithOneEventAsync();
        var interrupted = Events(Order, id, 2);
        await using var connection = await Db.OpenConnectionAsync();
        await using (var blocker = await BlockingTransaction.HoldHeadRowAsync(Db, Order, id))
        {
            using var cancellation = new CancellationTokenSource();
            await using var transaction = await connection.BeginTransactionAsync();
            var append = Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(1), interrupted, cancellation.Token);
            await WaitUntilBlockedAsync(Db, connection.ProcessID);

            await cancellation.CancelAsync();

            var cancelled = await ShouldBeCancelledAsync(append);
            // The server itself cancelled the statement, so the client did not just stop listening to it.
            cancelled.InnerException.ShouldBeOfType<PostgresException>().SqlState.ShouldBe(PostgresErrorCodes.QueryCanceled);
            await transaction.RollbackAsync();
        }

        await ShouldHaveStoredNoneOfAsync(Db, interrupted, committed: 1);
        await using (var next = await connection.BeginTransactionAsync())
        {
            (await Db.Store.AppendAsync(next, ExpectedVersion.Exact(1), Events(Order, id, 1))).ToVersion.ShouldBe(2);
            await next.CommitAsync();
        }

        (await StoredVersionsAsync(Db, Order, id)).ShouldBe(Contiguous(2));
    }

    [Test]
    public async Task An_append_that_waits_past_its_statement_timeout_fails_with_QueryCanceled_and_stores_nothing()
    {
        var id = await NewAggregateWithOneEventAsync();
        var interrupted = Events(Order, id, 2);
        await using (var blocker = await BlockingTransaction.HoldHeadRowAsync(Db, Order, id))
        {
            await using var connection = await Db.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await ExecuteAsync(transaction, "SET LOCAL statement_timeout = '200ms'");

            var timedOut = await Should.ThrowAsync<PostgresException>(
                () => Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(1), interrupted));

            timedOut.SqlState.ShouldBe(PostgresErrorCodes.QueryCanceled);
            // A cancel request has the same SQLSTATE; only the message tells the statement timeout apart.
            timedOut.MessageText.ShouldContain("statement timeout");
            await transaction.RollbackAsync();
        }

        await ShouldHaveStoredNoneOfAsync(Db, interrupted, committed: 1);
        await ShouldAppendAndReadAfterwardsAsync(id);
    }

    private async Task<string> NewAggregateWithOneEventAsync()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 1));
        return id;
    }

    /// <summary>Appends the aggregate's second event on a new connection and reads both back.</summary>
    private async Task ShouldAppendAndReadAfterwardsAsync(string id)
    {
        var next = Events(Order, id, 1);
        (await Db.AppendAsync(ExpectedVersion.Exact(1), next)).ToVersion.ShouldBe(2);
        var stream = await Db.ReadStreamAsync(Order, id);
        stream.Events.Select(e => e.AggregateVersion).ShouldBe(Contiguous(2));
        stream.Events[^1].EventId.ShouldBe(next[0].EventId);
    }
}
