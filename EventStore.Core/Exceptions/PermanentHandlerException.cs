namespace EventStore;

/// <summary>
/// Thrown by a consumer's handler to say that an event can never be handled, so retrying it is pointless: the processor
/// gives up on it at once, without spending its remaining attempts.
/// </summary>
/// <remarks>
/// What giving up means is the processor's poison-event policy: the consumer stops on the event, or the event is
/// recorded as a dead letter and the consumer goes on after it. The batch rolls back either way. A batch handler that
/// throws this for a batch of several events blames no single event; the processor then handles the batch's events one
/// at a time to find the one that fails. See docs/consumers.md, "Poison events and dead letters".
/// </remarks>
public sealed class PermanentHandlerException : EventStoreException
{
    /// <summary>Marks <paramref name="innerException"/> as permanent.</summary>
    /// <param name="innerException">Why the event cannot be handled.</param>
    public PermanentHandlerException(Exception innerException)
        : base($"The handler cannot handle this event: {innerException?.Message}", innerException)
    {
    }

    /// <summary>Marks a failure as permanent, with a message of the handler's own.</summary>
    /// <param name="message">Why the event cannot be handled. It is stored with the consumer, so it must not quote the event's payload.</param>
    /// <param name="innerException">The exception that caused it, or <see langword="null"/>.</param>
    public PermanentHandlerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
