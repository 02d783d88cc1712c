using EventStore.Dapper;
using Microsoft.Extensions.Logging;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// The store's log lines: an append is described as the move from the version before it to the version after it, and
/// every line is Debug and leaves the aggregate id out, since ids can be personal data.
/// </summary>
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
        ShouldAllBeDebugWithout(logger, id);
    }

    [Test]
    public async Task A_recognised_retry_logs_the_move_of_the_append_it_repeats()
    {
        var logger = new RecordingLogger();
        await using var db = await StoreDatabase.CreateAsync(new EventStoreOptions { Logger = logger });
        var id = NewAggregateId();
        var events = Events(Order, id, 2);
        await db.AppendAsync(ExpectedVersion.NoStream, events);

        await db.AppendAsync(ExpectedVersion.NoStream, events);

        logger.Messages.ShouldContain(
            $"Append of 2 events to a {Order} aggregate was a retry of the append that moved it from version 0 to 2; nothing was stored");
        ShouldAllBeDebugWithout(logger, id);
    }

    [Test]
    public async Task A_conflict_is_logged_at_Debug_because_it_is_an_answer_for_the_caller_and_not_a_fault()
    {
        var logger = new RecordingLogger();
        await using var db = await StoreDatabase.CreateAsync(new EventStoreOptions { Logger = logger });
        var id = NewAggregateId();
        await db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 1));

        await Should.ThrowAsync<OptimisticConcurrencyException>(() => db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 1)));

        logger.Messages.ShouldContain($"Append to a {Order} aggregate expected NoStream but found version 1 (null: not known)");
        ShouldAllBeDebugWithout(logger, id);
    }

    private static void ShouldAllBeDebugWithout(RecordingLogger logger, string aggregateId)
    {
        logger.Entries.ShouldAllBe(entry => entry.Level == LogLevel.Debug);
        logger.Messages.ShouldAllBe(message => !message.Contains(aggregateId, StringComparison.Ordinal));
    }
}
