using System.Diagnostics.CodeAnalysis;

namespace EventStore;

/// <summary>
/// The events of one aggregate, in ascending <see cref="PersistedEvent.AggregateVersion"/> order, as read from the store.
/// </summary>
/// <param name="AggregateType">The type of the aggregate.</param>
/// <param name="AggregateId">The id of the aggregate.</param>
/// <param name="Events">The events read, oldest first; empty when none matched.</param>
[SuppressMessage(
    "Naming",
    "CA1711:Identifiers should not have incorrect suffix",
    Justification = "Stream is the event-sourcing term for an aggregate's events; the Aggregate prefix keeps it apart from System.IO.Stream.")]
public sealed record AggregateStream(string AggregateType, string AggregateId, IReadOnlyList<PersistedEvent> Events)
{
    /// <summary>
    /// Gets the <see cref="PersistedEvent.AggregateVersion"/> of the last event read, or 0 when there is none.
    /// After a read with an upper bound this is the last version in range, not necessarily the aggregate's current version.
    /// </summary>
    public long Version => Events.Count == 0 ? 0 : Events[^1].AggregateVersion;

    /// <summary>Gets a value indicating whether no events were read.</summary>
    public bool IsEmpty => Events.Count == 0;

    /// <summary>Gets the number of events read.</summary>
    public int Count => Events.Count;
}
