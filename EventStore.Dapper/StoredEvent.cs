namespace EventStore.Dapper;

/// <summary>An event id of an append that the append statement found already stored, and where.</summary>
/// <param name="Index">The event's index in the append.</param>
/// <param name="EventId">The event id.</param>
/// <param name="GlobalPosition">The stored event's global position.</param>
/// <param name="AggregateVersion">The stored event's version.</param>
/// <param name="AggregateType">The aggregate type the event is stored under.</param>
/// <param name="AggregateId">The aggregate id the event is stored under.</param>
/// <param name="SameContent">Whether the stored event type, event version, payload and metadata equal the append's.</param>
internal sealed record StoredEvent(
    int Index, Guid EventId, long GlobalPosition, long AggregateVersion, string AggregateType, string AggregateId, bool SameContent);
