using System.Diagnostics.CodeAnalysis;

namespace EventStore;

/// <summary>
/// An event to append to an aggregate. The store assigns its aggregate version and global position.
/// </summary>
/// <remarks>
/// Record equality compares <see cref="Payload"/> and <see cref="Metadata"/> by reference, not by content.
/// </remarks>
[SuppressMessage(
    "Naming",
    "CA1716:Identifiers should not match keywords",
    Justification = "Event is the central term of the domain; Visual Basic callers can write [Event].")]
public sealed record Event
{
    /// <summary>Gets the type of the aggregate the event belongs to, such as <c>Order</c>.</summary>
    public required string AggregateType { get; init; }

    /// <summary>Gets the id of the aggregate the event belongs to, unique within <see cref="AggregateType"/>.</summary>
    public required string AggregateId { get; init; }

    /// <summary>Gets the event's unique id; appending the same id twice raises <see cref="DuplicateEventException"/>.</summary>
    public required Guid EventId { get; init; }

    /// <summary>Gets the event's type name, such as <c>OrderPlaced</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the schema version of <see cref="Payload"/>, starting at 1, so readers can upcast older payloads.</summary>
    public int EventVersion { get; init; } = 1;

    /// <summary>Gets the serialized event data.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>Gets optional metadata as UTF-8 JSON, or <see langword="null"/> when there is none.</summary>
    public byte[]? Metadata { get; init; }

    /// <summary>Gets the time the event happened; it must be set, because the default value is rejected on append.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the id of the trace the event was produced in, if any.</summary>
    public NullString TraceId { get; init; }

    /// <summary>Gets the id that correlates the event with the operation that started the workflow, if any.</summary>
    public NullString CorrelationId { get; init; }

    /// <summary>Gets the id of the message or event that directly caused this event, if any.</summary>
    public NullString CausationId { get; init; }
}
