using System.Data;

namespace EventStore;

/// <summary>
/// Reads the events of one aggregate inside the caller's transaction.
/// </summary>
public interface IAggregateStreamReader
{
    /// <summary>Reads an aggregate's events in ascending version order, optionally limited to a version range.</summary>
    /// <remarks>
    /// Both bounds are inclusive, and a <see langword="null"/> bound leaves that side open. An aggregate without events,
    /// or a range that matches none, yields an empty <see cref="AggregateStream"/> rather than an error.
    /// </remarks>
    /// <param name="transaction">The caller's open transaction, which also determines the connection.</param>
    /// <param name="aggregateType">The type of the aggregate.</param>
    /// <param name="aggregateId">The id of the aggregate.</param>
    /// <param name="fromVersion">The lowest version to read, or <see langword="null"/> to start at the first event.</param>
    /// <param name="toVersion">The highest version to read, or <see langword="null"/> to read to the last event.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The events read, possibly none.</returns>
    Task<AggregateStream> ReadAggregateStreamAsync(
        IDbTransaction transaction,
        string aggregateType,
        string aggregateId,
        long? fromVersion = null,
        long? toVersion = null,
        CancellationToken cancellationToken = default);
}
