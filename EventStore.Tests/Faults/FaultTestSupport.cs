using EventStore.Tests.Store;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Faults;

/// <summary>Watches and ends other backends from a connection of its own, and checks that a failed append left nothing behind.</summary>
internal static class FaultTestSupport
{
    /// <summary>
    /// Waits until backend <paramref name="processId"/> waits for a lock. It is polled from a new connection outside
    /// any transaction, because a transaction keeps reading the snapshot of pg_stat_activity it took first.
    /// </summary>
    public static async Task WaitUntilBlockedAsync(StoreDatabase db, int processId)
    {
        await using var observer = await db.OpenConnectionAsync();
        await ReadTestSupport.WaitUntilBlockedAsync(observer, processId);
    }

    /// <summary>Ends backend <paramref name="processId"/> as an administrator would, from a third connection.</summary>
    public static async Task TerminateBackendAsync(StoreDatabase db, int processId)
    {
        await using var observer = await db.OpenConnectionAsync();
        (await ReadTestSupport.ScalarAsync<bool>(observer, "SELECT pg_terminate_backend(@pid)", ("pid", processId)))
            .ShouldBeTrue($"backend {processId} was gone before it could be terminated");
    }

    /// <summary>
    /// Returns the <see cref="OperationCanceledException"/> that <paramref name="task"/> ends with. Shouldly reports a
    /// cancelled task with a new exception of its own, which drops the one the call threw and its inner exception.
    /// </summary>
    public static async Task<OperationCanceledException> ShouldBeCancelledAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException cancelled)
        {
            return cancelled;
        }

        throw new ShouldAssertException("The call completed instead of being cancelled.");
    }

    /// <summary>
    /// Checks that none of <paramref name="failed"/> was stored, and that the aggregate still holds exactly the
    /// <paramref name="committed"/> events it had before, with its head row at that version.
    /// </summary>
    public static async Task ShouldHaveStoredNoneOfAsync(StoreDatabase db, IReadOnlyList<Event> failed, int committed)
    {
        foreach (var @event in failed)
        {
            (await CountRowsWithEventIdAsync(db, @event.EventId)).ShouldBe(0, $"event {@event.EventId} of the failed append was stored");
        }

        (await AggregateStateAsync(db, failed[0].AggregateType, failed[0].AggregateId)).ShouldBe(((long)committed, (long?)committed));
    }
}
