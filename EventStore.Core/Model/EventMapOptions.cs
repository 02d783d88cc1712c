namespace EventStore;

/// <summary>What a generated event mapper adds to the store events it creates, besides the domain events themselves.</summary>
public sealed record EventMapOptions
{
    /// <summary>The id of the message or event that caused these events.</summary>
    public NullString CausationId { get; init; }

    /// <summary>The id that ties these events to the operation that started the workflow.</summary>
    public NullString CorrelationId { get; init; }

    /// <summary>The id of the trace the events are produced in.</summary>
    public NullString TraceId { get; init; }

    /// <summary>UTF-8 JSON metadata for every event; <see langword="null"/> stores <c>{}</c>.</summary>
    public byte[]? Metadata { get; init; }

    /// <summary>The clock that stamps <see cref="Event.CreatedAt"/>; <see langword="null"/> for the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
