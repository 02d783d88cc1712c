namespace EventStore;

/// <summary>
/// The outcome of a successful append: only the events this append stored (or, for a recognised retry, the events it
/// repeats), in the order they were given. It never holds the aggregate's earlier history; read an
/// <see cref="AggregateStream"/> for that.
/// </summary>
/// <param name="Events">The appended events with their assigned versions and positions.</param>
/// <param name="GlobalPositions">The global position of each appended event, in the same order as <paramref name="Events"/>.</param>
public sealed record AppendResult(IReadOnlyList<PersistedEvent> Events, IReadOnlyList<long> GlobalPositions)
{
    /// <summary>
    /// Gets the aggregate's version before the append: one below the first appended event's
    /// <see cref="PersistedEvent.AggregateVersion"/>, so 0 for an append that created the aggregate. 0 when there are no events.
    /// </summary>
    /// <remarks>
    /// An append of <c>n</c> events moves the aggregate from <see cref="FromVersion"/> to <see cref="ToVersion"/>, and
    /// <c>ToVersion - FromVersion == n</c>. For <c>Exact(v)</c> and <see cref="ExpectedVersion.NoStream"/> this is the
    /// expected version; for <see cref="ExpectedVersion.Any"/> it is the version the append found.
    /// </remarks>
    public long FromVersion => Events.Count == 0 ? 0 : Events[0].AggregateVersion - 1;

    /// <summary>
    /// Gets the aggregate's version after the append: the <see cref="PersistedEvent.AggregateVersion"/> of the last
    /// appended event, or 0 when there are no events.
    /// </summary>
    public long ToVersion => Events.Count == 0 ? 0 : Events[^1].AggregateVersion;
}
