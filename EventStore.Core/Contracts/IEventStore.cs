using System.Data;

namespace EventStore;

/// <summary>
/// Appends events to an aggregate inside the caller's transaction.
/// </summary>
public interface IEventStore
{
    /// <summary>Appends events to one aggregate, checking <paramref name="expectedVersion"/> first.</summary>
    /// <remarks>
    /// <para>Expected-version and idempotency rules:</para>
    /// <list type="number">
    /// <item><description><see cref="ExpectedVersion.Any"/> never checks the version.</description></item>
    /// <item><description><see cref="ExpectedVersion.NoStream"/> (the same value as <c>Exact(0)</c>) fails with
    /// <see cref="OptimisticConcurrencyException"/> when the aggregate has any event.</description></item>
    /// <item><description><c>Exact(n)</c> fails with <see cref="OptimisticConcurrencyException"/> unless the aggregate's
    /// current version is exactly <c>n</c>.</description></item>
    /// <item><description>Versions are assigned consecutively after the current version: the first event gets the
    /// current version + 1, the next + 2, and so on.</description></item>
    /// <item><description>An <see cref="Event.EventId"/> that is already stored, or that occurs twice in
    /// <paramref name="events"/>, raises <see cref="DuplicateEventException"/>, not a concurrency error. Retrying an
    /// append that already succeeded is therefore reported, never silently ignored.</description></item>
    /// <item><description>The caller owns the transaction: nothing is committed or rolled back by the store. The events
    /// become visible to others only when the caller commits; after an exception the caller should roll back.</description></item>
    /// </list>
    /// <para>The batch is validated before anything is sent to the database.</para>
    /// </remarks>
    /// <param name="transaction">The caller's open transaction, which also determines the connection.</param>
    /// <param name="expectedVersion">The version the aggregate must be at for the append to succeed.</param>
    /// <param name="events">One or more events, all for the same aggregate, in the order their versions are assigned.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The appended events with their assigned aggregate versions and global positions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="events"/> is empty, spans several aggregates, or has an invalid event.</exception>
    /// <exception cref="OptimisticConcurrencyException">The aggregate is not at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="DuplicateEventException">An event id is already stored or occurs twice in <paramref name="events"/>.</exception>
    Task<AppendResult> AppendAsync(
        IDbTransaction transaction,
        ExpectedVersion expectedVersion,
        IReadOnlyList<Event> events,
        CancellationToken cancellationToken = default);
}
