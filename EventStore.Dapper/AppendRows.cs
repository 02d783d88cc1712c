using System.Globalization;

namespace EventStore.Dapper;

/// <summary>Turns the rows of an append statement into its result, or into the error that explains why nothing was stored.</summary>
internal static class AppendRows
{
    public static AppendResult ToResult(
        IReadOnlyList<(int Outcome, long? GlobalPosition, long? AggregateVersion, Guid? EventId)> rows,
        IReadOnlyList<Event> events,
        ExpectedVersion expectedVersion)
    {
        var persisted = new PersistedEvent[events.Count];
        var positions = new long[events.Count];
        var appended = 0;
        long? visibleHead = null;
        foreach (var row in rows)
        {
            switch ((AppendOutcome)row.Outcome)
            {
                case AppendOutcome.AlreadyStored:
                    throw AlreadyStored(row.EventId!.Value, events);
                case AppendOutcome.VersionMismatch:
                    visibleHead = row.AggregateVersion;
                    break;
                case AppendOutcome.Appended when appended < events.Count:
                    positions[appended] = row.GlobalPosition!.Value;
                    persisted[appended] = Persist(events[appended], row.GlobalPosition.Value, row.AggregateVersion!.Value);
                    appended++;
                    break;
            }
        }

        if (appended == events.Count)
        {
            return new AppendResult(persisted, positions);
        }

        if (appended == 0)
        {
            var first = events[0];
            throw new OptimisticConcurrencyException(first.AggregateType, first.AggregateId, expectedVersion, ActualVersion(expectedVersion, visibleHead));
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"The append statement stored {appended} of {events.Count} events; the statement and the schema disagree."));
    }

    /// <summary>
    /// The version the statement's snapshot showed. When it equals what was expected, the head moved in a transaction
    /// that committed while this one waited for the row, so the true version is not known.
    /// </summary>
    private static long? ActualVersion(ExpectedVersion expected, long? visibleHead) => visibleHead switch
    {
        null when expected.IsExact => 0,
        null => null,
        { } head when head == expected.Value => null,
        { } head => head,
    };

    private static DuplicateEventException AlreadyStored(Guid eventId, IReadOnlyList<Event> events)
    {
        var first = events[0];
        return new DuplicateEventException(eventId, string.Create(CultureInfo.InvariantCulture,
            $"Event id {eventId} is already stored, so nothing of this append to {first.AggregateType}/{first.AggregateId} was stored."));
    }

    private static PersistedEvent Persist(Event @event, long globalPosition, long aggregateVersion) => new()
    {
        GlobalPosition = globalPosition,
        AggregateVersion = aggregateVersion,
        AggregateType = @event.AggregateType,
        AggregateId = @event.AggregateId,
        EventId = @event.EventId,
        EventType = @event.EventType,
        EventVersion = @event.EventVersion,
        Payload = @event.Payload,
        Metadata = @event.Metadata,
        // The column keeps microseconds; report what a read will return.
        CreatedAt = TruncateToMicroseconds(@event.CreatedAt),
        TraceId = @event.TraceId,
        CorrelationId = @event.CorrelationId,
        CausationId = @event.CausationId,
    };

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new DateTimeOffset(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
