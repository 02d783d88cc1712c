using System.Globalization;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>Turns the rows of an append statement into its result, or into the error that explains why nothing was stored.</summary>
internal static class AppendRows
{
    private const int Outcome = 0;
    private const int GlobalPosition = 1;
    private const int AggregateVersion = 2;
    private const int EventId = 3;
    private const int Ordinal = 4;
    private const int SameContent = 5;
    private const int StoredAggregateType = 6;
    private const int StoredAggregateId = 7;

    /// <summary>Reads the statement's rows; <c>Retried</c> is true when the append was a retry of one already stored.</summary>
    public static async Task<(AppendResult Result, bool Retried)> ReadAsync(
        NpgsqlDataReader reader,
        IReadOnlyList<Event> events,
        ExpectedVersion expectedVersion,
        CancellationToken cancellationToken)
    {
        var persisted = new PersistedEvent[events.Count];
        var positions = new long[events.Count];
        var appended = 0;
        long? visibleHead = null;
        List<StoredEvent>? stored = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch ((AppendOutcome)reader.GetInt32(Outcome))
            {
                case AppendOutcome.AlreadyStored:
                    (stored ??= []).Add(new StoredEvent(
                        Index: (int)reader.GetInt64(Ordinal) - 1,
                        EventId: reader.GetGuid(EventId),
                        GlobalPosition: reader.GetInt64(GlobalPosition),
                        AggregateVersion: reader.GetInt64(AggregateVersion),
                        AggregateType: reader.GetString(StoredAggregateType),
                        AggregateId: reader.GetString(StoredAggregateId),
                        SameContent: reader.GetBoolean(SameContent)));
                    break;
                case AppendOutcome.VersionMismatch:
                    visibleHead = reader.GetInt64(AggregateVersion);
                    break;
                case AppendOutcome.Appended when appended < events.Count:
                    var position = reader.GetInt64(GlobalPosition);
                    positions[appended] = position;
                    persisted[appended] = Persist(events[appended], position, reader.GetInt64(AggregateVersion));
                    appended++;
                    break;
            }
        }

        if (stored is not null)
        {
            return (RetriedAppend.Resolve(stored, events, expectedVersion), true);
        }

        if (appended == events.Count)
        {
            return (new AppendResult(persisted, positions), false);
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

    public static PersistedEvent Persist(Event @event, long globalPosition, long aggregateVersion) => new()
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
