using System.Globalization;
using System.Text;

namespace EventStore.Dapper;

/// <summary>
/// The part of <see cref="AppendStatement"/> that decides what an append whose event ids are already stored is: the retry of an append that succeeded, which gets
/// that append's result back, or a conflict, which is a <see cref="DuplicateEventException"/> saying what differs.
/// </summary>
/// <remarks>
/// A retry is recognised from what is stored rather than from a cache of recent appends, so it is recognised however
/// long ago the original committed. Nothing is stored in either case, and the caller's transaction stays usable.
/// </remarks>
internal sealed partial class AppendStatement
{
    // Enough ids to find the problem in a log; a batch of thousands would otherwise make the message unreadable.
    private const int ListedPerProblem = 5;

    private static AppendResult ResolveRetry(List<StoredEvent> stored, IReadOnlyList<Event> events, ExpectedVersion expectedVersion)
    {
        stored.Sort((left, right) => left.Index.CompareTo(right.Index));
        var first = events[0];
        var differences = Differences(stored, events, expectedVersion);
        if (differences.Count == 0)
        {
            var persisted = new PersistedEvent[events.Count];
            var positions = new long[events.Count];
            foreach (var original in stored)
            {
                positions[original.Index] = original.GlobalPosition;
                persisted[original.Index] = Persist(events[original.Index], original.GlobalPosition, original.AggregateVersion);
            }

            return new AppendResult(persisted, positions);
        }

        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture,
                $"This append of {events.Count} event(s) to {first.AggregateType}/{first.AggregateId} with expected version {expectedVersion} ")
            .Append("repeats event ids that are already stored, but it is not a retry of the append that stored them, so nothing was stored: ")
            .AppendJoin("; ", differences)
            .Append('.')
            .ToString();
        // The first stored id stands for the exception; the message lists the others.
        throw new DuplicateEventException(stored[0].EventId, message);
    }

    private static List<string> Differences(List<StoredEvent> stored, IReadOnlyList<Event> events, ExpectedVersion expectedVersion)
    {
        var first = events[0];
        var differences = new List<string>();
        var elsewhere = stored.Where(e => !IsAggregate(e, first)).ToList();
        if (elsewhere.Count > 0)
        {
            differences.Add(Describe(elsewhere, e => $"event {e.Index} ({e.EventId}) is stored under {e.AggregateType}/{e.AggregateId}"));
        }

        var changed = stored.Where(e => !e.SameContent).ToList();
        if (changed.Count > 0)
        {
            differences.Add(Describe(changed, e => $"event {e.Index} ({e.EventId}) is stored with another type, version, payload or metadata"));
        }

        var storedIndexes = stored.Select(e => e.Index).ToHashSet();
        var missing = Enumerable.Range(0, events.Count).Where(index => !storedIndexes.Contains(index)).ToList();
        if (missing.Count > 0)
        {
            differences.Add(Describe(missing, index => $"event {index} ({events[index].EventId}) is not stored"));
        }

        if (differences.Count > 0)
        {
            return differences;
        }

        // Every id is stored, in this aggregate, with this content; it is a retry only if it is the same run of versions.
        var firstVersion = stored[0].AggregateVersion;
        if (stored.Where((e, index) => e.AggregateVersion != firstVersion + index).Any())
        {
            differences.Add(Format($"the events are stored at versions {string.Join(", ", stored.Select(e => e.AggregateVersion))}, not as one run in this order"));
        }
        else if (!expectedVersion.IsAny && firstVersion != expectedVersion.Value + 1)
        {
            differences.Add(Format(
                $"they are stored at versions {firstVersion}-{stored[^1].AggregateVersion}, where expected version {expectedVersion} would have put them at {expectedVersion.Value + 1}-{expectedVersion.Value + events.Count}"));
        }

        return differences;
    }

    private static bool IsAggregate(StoredEvent stored, Event @event) =>
        string.Equals(stored.AggregateType, @event.AggregateType, StringComparison.Ordinal)
        && string.Equals(stored.AggregateId, @event.AggregateId, StringComparison.Ordinal);

    private static string Describe<T>(List<T> items, Func<T, FormattableString> describe)
    {
        var listed = string.Join(", ", items.Take(ListedPerProblem).Select(item => Format(describe(item))));
        return items.Count > ListedPerProblem ? Format($"{listed}, and {items.Count - ListedPerProblem} more") : listed;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>An event id of an append that the append statement found already stored, and where.</summary>
    /// <param name="Index">The event's index in the append.</param>
    /// <param name="EventId">The event id.</param>
    /// <param name="GlobalPosition">The stored event's global position.</param>
    /// <param name="AggregateVersion">The stored event's version.</param>
    /// <param name="AggregateType">The aggregate type the event is stored under.</param>
    /// <param name="AggregateId">The aggregate id the event is stored under.</param>
    /// <param name="SameContent">Whether the stored event type, event version, payload and metadata equal the append's.</param>
    private sealed record StoredEvent(
        int Index, Guid EventId, long GlobalPosition, long AggregateVersion, string AggregateType, string AggregateId, bool SameContent);
}
