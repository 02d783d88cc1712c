namespace EventStore;

/// <summary>
/// The outcome of a successful append: the events as stored, in the order they were given.
/// </summary>
/// <param name="Events">The appended events with their assigned versions and positions.</param>
/// <param name="GlobalPositions">The global position of each appended event, in the same order as <paramref name="Events"/>.</param>
public sealed record AppendResult(IReadOnlyList<PersistedEvent> Events, IReadOnlyList<long> GlobalPositions)
{
    /// <summary>Gets the <see cref="PersistedEvent.AggregateVersion"/> of the first appended event, or 0 when there is none.</summary>
    public long FromVersion => Events.Count == 0 ? 0 : Events[0].AggregateVersion;

    /// <summary>Gets the <see cref="PersistedEvent.AggregateVersion"/> of the last appended event, or 0 when there is none.</summary>
    public long ToVersion => Events.Count == 0 ? 0 : Events[^1].AggregateVersion;
}
