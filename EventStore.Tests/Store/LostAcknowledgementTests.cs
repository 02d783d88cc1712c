using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// The failure idempotent appends are for: the commit reached the server and succeeded, but its acknowledgement was
/// lost with the connection, so the caller cannot know and must retry.
/// </summary>
public sealed class LostAcknowledgementTests : StoreFixture
{
    private const string Order = "Order";

    [TestCase(1)]
    [TestCase(3)]
    public async Task A_retry_after_a_lost_commit_acknowledgement_returns_the_committed_result_and_stores_nothing_twice(int count)
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 2));
        var events = Events(Order, id, count);
        await using var proxy = CommitCuttingProxy.Start(Db.Database.ConnectionString);

        AppendResult firstAttempt;
        await using (var connection = new NpgsqlConnection(proxy.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            firstAttempt = await Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(2), events);
            proxy.CutAfterNextCommit();

            await Should.ThrowAsync<NpgsqlException>(() => transaction.CommitAsync());
        }

        proxy.Cut.ShouldBeTrue("the relay passed the commit on and dropped its answer");
        var retried = await Db.AppendAsync(ExpectedVersion.Exact(2), events);

        retried.GlobalPositions.ShouldBe(firstAttempt.GlobalPositions);
        retried.FromVersion.ShouldBe(2);
        retried.ToVersion.ShouldBe(2 + count);
        var stream = await Db.ReadStreamAsync(Order, id);
        stream.Events.Skip(2).Select(e => (e.EventId, e.GlobalPosition)).ShouldBe(events.Select((e, i) => (e.EventId, firstAttempt.GlobalPositions[i])));
        stream.Version.ShouldBe(2 + count);
    }
}
