using System.Globalization;

namespace EventStore;

/// <summary>
/// Checks the events of one append, so that a store rejects a bad batch before anything reaches the database.
/// </summary>
internal static class EventBatch
{
    /// <summary>Throws unless <paramref name="events"/> is a non-empty batch of valid events for a single aggregate.</summary>
    /// <param name="events">The events of one append.</param>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The batch is empty or spans several aggregates, or an event lacks an aggregate type, aggregate id, event type,
    /// event id, payload or creation time, or has an event version below 1, or one of its text fields contains U+0000
    /// or a lone surrogate or is over its <see cref="EventLimits"/> byte limit.
    /// </exception>
    /// <exception cref="DuplicateEventException">The same event id occurs twice in the batch.</exception>
    public static void Validate(IReadOnlyList<Event> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        // One event cannot repeat its own id, so the common single-event append skips the set.
        var seenIds = events.Count > 1 ? new HashSet<Guid>(events.Count) : null;
        for (var index = 0; index < events.Count; index++)
        {
            var @event = events[index]
                ?? throw new ArgumentNullException(nameof(events), Format($"The event at index {index} is null."));
            var problem = DescribeInvalidField(@event, index) ?? DescribeOtherAggregate(events[0], @event, index);
            if (problem is not null)
            {
                throw new ArgumentException(problem, nameof(events));
            }

            if (seenIds is not null && !seenIds.Add(@event.EventId))
            {
                throw DuplicateInBatch(events, index);
            }
        }
    }

    private static string? DescribeInvalidField(Event @event, int index) =>
        DescribeMissingText(@event.AggregateType, nameof(Event.AggregateType), index)
        ?? DescribeMissingText(@event.AggregateId, nameof(Event.AggregateId), index)
        ?? DescribeMissingText(@event.EventType, nameof(Event.EventType), index)
        ?? DescribeUnstorableText(@event, index)
        ?? DescribeInvalidValue(@event, index);

    private static string? DescribeUnstorableText(Event @event, int index) =>
        DescribeUnstorable(@event.AggregateType, nameof(Event.AggregateType), EventLimits.MaxTypeNameBytes, index)
        ?? DescribeUnstorable(@event.AggregateId, nameof(Event.AggregateId), EventLimits.MaxIdBytes, index)
        ?? DescribeUnstorable(@event.EventType, nameof(Event.EventType), EventLimits.MaxTypeNameBytes, index)
        ?? DescribeUnstorable(@event.TraceId.Value, nameof(Event.TraceId), EventLimits.MaxIdBytes, index)
        ?? DescribeUnstorable(@event.CorrelationId.Value, nameof(Event.CorrelationId), EventLimits.MaxIdBytes, index)
        ?? DescribeUnstorable(@event.CausationId.Value, nameof(Event.CausationId), EventLimits.MaxIdBytes, index);

    private static string? DescribeUnstorable(string? value, string field, int maxBytes, int index) =>
        value is not null && StoredText.DescribeProblem(value, maxBytes) is { } problem
            ? Format($"The event at index {index} has an invalid {field}: it {problem}")
            : null;

    private static string? DescribeInvalidValue(Event @event, int index)
    {
        if (@event.EventId == Guid.Empty)
        {
            return Format($"The event at index {index} has an empty EventId; every event needs a unique id.");
        }

        if (@event.Payload is null)
        {
            return Format($"The event at index {index} has a null Payload.");
        }

        if (@event.EventVersion < 1)
        {
            return Format($"The event at index {index} has EventVersion {@event.EventVersion}; payload schema versions start at 1.");
        }

        // The store keeps the caller's timestamp as given, and the default (year 1) always means it was never set.
        return @event.CreatedAt == default
            ? Format($"The event at index {index} has no CreatedAt; set it to the time the event happened.")
            : null;
    }

    private static string? DescribeMissingText(string value, string field, int index) =>
        string.IsNullOrWhiteSpace(value)
            ? Format($"The event at index {index} has no {field}; it must not be null, empty or whitespace.")
            : null;

    private static string? DescribeOtherAggregate(Event first, Event @event, int index) =>
        string.Equals(first.AggregateType, @event.AggregateType, StringComparison.Ordinal)
        && string.Equals(first.AggregateId, @event.AggregateId, StringComparison.Ordinal)
            ? null
            : Format($"The event at index {index} is for aggregate {@event.AggregateType}/{@event.AggregateId}, but the event at index 0 is for {first.AggregateType}/{first.AggregateId}; an append targets a single aggregate.");

    // Only reached on failure, so finding the first occurrence by a second scan keeps the happy path to a set of ids.
    private static DuplicateEventException DuplicateInBatch(IReadOnlyList<Event> events, int index)
    {
        var eventId = events[index].EventId;
        var firstIndex = 0;
        while (events[firstIndex].EventId != eventId)
        {
            firstIndex++;
        }

        return new DuplicateEventException(
            eventId,
            Format($"Event id {eventId} occurs twice in one append, at indexes {firstIndex} and {index}."));
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
