namespace EventStore;

/// <summary>
/// Raised when an append contains an event whose <see cref="Event.EventId"/> occurs twice in the append, or is already
/// stored and the append is not an exact retry of the append that stored it (see <see cref="IEventStore.AppendAsync"/>).
/// </summary>
public sealed class DuplicateEventException : EventStoreException
{
    /// <summary>Initializes a new instance with a message that names the event id.</summary>
    /// <param name="eventId">The duplicate event id.</param>
    /// <param name="innerException">The exception that revealed the duplicate, such as a unique violation, or <see langword="null"/>.</param>
    public DuplicateEventException(Guid eventId, Exception? innerException = null)
        : this(eventId, $"An event with id {eventId} already exists.", innerException)
    {
    }

    /// <summary>Initializes a new instance with a custom message.</summary>
    /// <param name="eventId">The duplicate event id.</param>
    /// <param name="message">The message that describes the error; it should name the event id.</param>
    /// <param name="innerException">The exception that revealed the duplicate, or <see langword="null"/>.</param>
    public DuplicateEventException(Guid eventId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        EventId = eventId;
    }

    /// <summary>
    /// Gets the duplicate event id, or <see cref="Guid.Empty"/> when a concurrent transaction stored one of several ids
    /// of the append and the store cannot tell which; the message then lists the candidates.
    /// </summary>
    public Guid EventId { get; }
}
