using EventStore.Dapper;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>The store's debug lines describe an append as the move from the version before it to the version after it.</summary>
public sealed class AppendLogTests
{
    private const string Order = "Order";

    [Test]
    public async Task An_append_logs_the_version_the_aggregate_moved_from_and_to()
    {
        var logger = new RecordingLogger();
        await using var db = await StoreDatabase.CreateAsync(new EventStoreOptions { Logger = logger });
        var id = NewAggregateId();
        await db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 3));

        var result = await db.AppendAsync(ExpectedVersion.Exact(3), Events(Order, id, 2));

        logger.Messages.ShouldContain(
            $"Appended 2 events to a {Order} aggregate, moving it from version 3 to 5, at positions {result.GlobalPositions[0]}-{result.GlobalPositions[^1]}");
    }

    [Test]
    public async Task A_recognised_retry_logs_the_move_of_the_append_it_repeats()
    {
        var logger = new RecordingLogger();
        await using var db = await StoreDatabase.CreateAsync(new EventStoreOptions { Logger = logger });
        var events = Events(Order, NewAggregateId(), 2);
        await db.AppendAsync(ExpectedVersion.NoStream, events);

        await db.AppendAsync(ExpectedVersion.NoStream, events);

        logger.Messages.ShouldContain(
            $"Append of 2 events to a {Order} aggregate was a retry of the append that moved it from version 0 to 2; nothing was stored");
    }
}
