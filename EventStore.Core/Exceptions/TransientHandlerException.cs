namespace EventStore;

/// <summary>
/// Thrown by a consumer's handler to say that it failed for a reason outside the event, such as a service that is down,
/// so the event is retried with backoff without using up one of its attempts.
/// </summary>
/// <remarks>
/// A transient failure is retried for as long as it lasts, and each one is recorded as the consumer's last error, so a
/// handler should mark only conditions that end on their own. The processor treats an Npgsql error that Npgsql reports
/// as transient (a lost connection, a deadlock, a serialization failure) the same way, marked or not. See
/// docs/consumers.md, "Poison events and dead letters".
/// </remarks>
public sealed class TransientHandlerException : EventStoreException
{
    /// <summary>Marks <paramref name="innerException"/> as transient.</summary>
    /// <param name="innerException">What failed.</param>
    public TransientHandlerException(Exception innerException)
        : base($"The handler failed for a transient reason: {innerException?.Message}", innerException)
    {
    }

    /// <summary>Marks a failure as transient, with a message of the handler's own.</summary>
    /// <param name="message">What failed. It is stored with the consumer, so it must not quote the event's payload.</param>
    /// <param name="innerException">The exception that caused it, or <see langword="null"/>.</param>
    public TransientHandlerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
