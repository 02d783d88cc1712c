using System.Data;

namespace EventStore;

/// <summary>
/// Reads events across all aggregates in global position order, inside the caller's transaction.
/// </summary>
public interface IEventReader
{
    /// <summary>Reads up to <paramref name="limit"/> events whose global position is strictly after <paramref name="fromPosition"/>.</summary>
    /// <remarks>
    /// <para>Global positions are positive, so a <paramref name="fromPosition"/> of 0 reads from the start.</para>
    /// <para>Checkpoint caveat: global positions come from a sequence, so they are unique but not commit-ordered.
    /// A transaction that took a lower position can commit after one that took a higher position, so a lower position
    /// can become visible after a higher one. Under concurrent writers, the highest position seen so far is therefore
    /// not a safe checkpoint: resuming after it can skip events that commit later.</para>
    /// </remarks>
    /// <param name="transaction">The caller's open transaction, which also determines the connection.</param>
    /// <param name="fromPosition">The position to read after; the event at this position is not included.</param>
    /// <param name="limit">The maximum number of events to return; must be at least 1.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The events in ascending global position order; empty when there are none after <paramref name="fromPosition"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    Task<IReadOnlyList<PersistedEvent>> ReadEventsAsync(
        IDbTransaction transaction,
        long fromPosition,
        int limit,
        CancellationToken cancellationToken = default);
}
