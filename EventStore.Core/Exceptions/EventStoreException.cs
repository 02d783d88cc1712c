namespace EventStore;

/// <summary>
/// The base class of the errors the event store raises for conditions callers can handle, such as a concurrency conflict.
/// </summary>
public class EventStoreException : Exception
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public EventStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one, such as a database error, or <see langword="null"/>.</param>
    public EventStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
