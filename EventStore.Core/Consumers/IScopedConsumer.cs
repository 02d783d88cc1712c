namespace EventStore.Consumers;

/// <summary>
/// A consumer that receives only the events of some aggregate types.
/// </summary>
public interface IScopedConsumer : IConsumer
{
    /// <summary>
    /// Gets the aggregate types whose events the consumer receives, compared ordinally with
    /// <see cref="PersistedEvent.AggregateType"/>. An empty collection applies no filter, so the consumer receives every event.
    /// </summary>
    IReadOnlyCollection<string> AggregateTypes { get; }
}
