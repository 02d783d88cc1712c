namespace EventStore.Consumers;

/// <summary>
/// A consumer that receives only the events of some aggregate types, of some event types, or both.
/// </summary>
/// <remarks>
/// The filters are applied by the database, and the consumer's checkpoint still moves across the events they leave
/// out, so a consumer whose events are rare does not read the same stretch of the log again.
/// </remarks>
public interface IScopedConsumer : IConsumer
{
    /// <summary>
    /// Gets the aggregate types whose events the consumer receives, compared ordinally with
    /// <see cref="PersistedEvent.AggregateType"/>. An empty collection applies no filter, so the consumer receives every event.
    /// </summary>
    IReadOnlyCollection<string> AggregateTypes { get; }

    /// <summary>
    /// Gets the event types the consumer receives, compared ordinally with <see cref="PersistedEvent.EventType"/>. An
    /// empty collection, the default, applies no filter. With <see cref="AggregateTypes"/> as well, the consumer receives
    /// the events that match both.
    /// </summary>
    IReadOnlyCollection<string> EventTypes => [];
}
