namespace EventStore;

/// <summary>
/// The largest text values an event store accepts, in UTF-8 bytes (what PostgreSQL stores), not in characters.
/// </summary>
/// <remarks>
/// PostgreSQL refuses a btree index entry over about 2,700 bytes, and the schema indexes (aggregate type, aggregate id,
/// version), (event type, position), (aggregate type, position) and the correlation id. These limits keep every entry
/// well inside that, so an append is rejected up front instead of failing in the database after the caller's
/// transaction has been aborted.
/// </remarks>
public static class EventLimits
{
    /// <summary>The most UTF-8 bytes in <see cref="Event.AggregateType"/> and <see cref="Event.EventType"/>: 256.</summary>
    public const int MaxTypeNameBytes = 256;

    /// <summary>
    /// The most UTF-8 bytes in <see cref="Event.AggregateId"/>, <see cref="Event.TraceId"/>,
    /// <see cref="Event.CorrelationId"/> and <see cref="Event.CausationId"/>: 1,024.
    /// </summary>
    public const int MaxIdBytes = 1_024;
}
