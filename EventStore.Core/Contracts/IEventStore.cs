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
    /// <item><description>An append whose events are all already stored, in this aggregate, with the same event type,
    /// event version, payload and metadata, as one run of versions in the same order that this
    /// <paramref name="expectedVersion"/> would have produced (any run for <see cref="ExpectedVersion.Any"/>), is a retry
    /// of an append that succeeded: it stores nothing and returns that append's positions and versions, with this call's
    /// events. This makes a retry after an ambiguous failure, such as a lost commit acknowledgement, safe.</description></item>
    /// <item><description>Any other append with an already stored <see cref="Event.EventId"/> (some ids stored and others
    /// not, an id stored under another aggregate, at other versions or with other content), or with an id twice in
    /// <paramref name="events"/>, raises <see cref="DuplicateEventException"/>, whose message says what matched and what
    /// did not. Nothing is stored, and the transaction stays usable.</description></item>
    /// <item><description>A retry that runs while the original append has not committed waits for the aggregate's head
    /// row and then fails: with <see cref="OptimisticConcurrencyException"/> for <see cref="ExpectedVersion.NoStream"/>
    /// and <c>Exact(n)</c>, or with <see cref="DuplicateEventException"/> from the unique constraint for
    /// <see cref="ExpectedVersion.Any"/>, which aborts the transaction. A retry after that follows the two rules above.</description></item>
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
    /// <exception cref="DuplicateEventException">An event id is already stored and the append is not a retry of the one that
    /// stored it, or an id occurs twice in <paramref name="events"/>.</exception>
    Task<AppendResult> AppendAsync(
        IDbTransaction transaction,
        ExpectedVersion expectedVersion,
        IReadOnlyList<Event> events,
        CancellationToken cancellationToken = default);
}
