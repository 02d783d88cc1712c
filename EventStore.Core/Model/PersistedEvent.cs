namespace EventStore;

/// <summary>
/// An event as stored, with the aggregate version and global position the store assigned to it.
/// </summary>
/// <remarks>
/// Record equality compares <see cref="Payload"/> and <see cref="Metadata"/> by reference, not by content.
/// </remarks>
public sealed record PersistedEvent
{
    /// <summary>Gets the event's position in the store-wide log; unique, but see <see cref="IEventReader"/> on ordering.</summary>
    public required long GlobalPosition { get; init; }

    /// <summary>Gets the type of the aggregate the event belongs to.</summary>
    public required string AggregateType { get; init; }

    /// <summary>Gets the id of the aggregate the event belongs to.</summary>
    public required string AggregateId { get; init; }

    /// <summary>Gets the event's version within its aggregate: 1 for the first event, then consecutive.</summary>
    public required long AggregateVersion { get; init; }

    /// <summary>Gets the event's unique id.</summary>
    public required Guid EventId { get; init; }

    /// <summary>Gets the event's type name.</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the schema version of <see cref="Payload"/>, starting at 1.</summary>
    public int EventVersion { get; init; } = 1;

    /// <summary>Gets the serialized event data.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>Gets the metadata as UTF-8 JSON, or <see langword="null"/> when there is none.</summary>
    public byte[]? Metadata { get; init; }

    /// <summary>Gets the time the event happened, as given when it was appended.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the id of the trace the event was produced in, if any.</summary>
    public NullString TraceId { get; init; }

    /// <summary>Gets the id that correlates the event with the operation that started the workflow, if any.</summary>
    public NullString CorrelationId { get; init; }

    /// <summary>Gets the id of the message or event that directly caused this event, if any.</summary>
    public NullString CausationId { get; init; }
}
