namespace EventStore.Dapper;

/// <summary>An event a consumer gave up on (<see cref="PoisonEventHandling.DeadLetter"/>) and has not replayed yet.</summary>
/// <param name="ConsumerName">The checkpoint row it was recorded under: the consumer's name, or a partition's.</param>
/// <param name="GlobalPosition">The event's position in the log.</param>
/// <param name="EventId">The event's id.</param>
/// <param name="AggregateType">The event's aggregate type.</param>
/// <param name="AggregateId">The event's aggregate.</param>
/// <param name="AggregateVersion">The event's version in its aggregate.</param>
/// <param name="EventType">The event's type.</param>
/// <param name="Error">The last error: the exception's type and message, cut to a bounded length.</param>
/// <param name="Attempts">How many counted attempts failed; 1 for a <see cref="PermanentHandlerException"/>.</param>
/// <param name="DeadLetteredAt">When the checkpoint moved past it.</param>
public sealed record DeadLetter(
    string ConsumerName,
    long GlobalPosition,
    Guid EventId,
    string AggregateType,
    string AggregateId,
    long AggregateVersion,
    string EventType,
    string Error,
    int Attempts,
    DateTimeOffset DeadLetteredAt);
