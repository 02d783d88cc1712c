namespace EventStore.Tests.Core;

internal static class TestEvents
{
    public static readonly DateTimeOffset CreatedAt = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static Event Valid(string aggregateType = "Order", string aggregateId = "42") => new()
    {
        AggregateType = aggregateType,
        AggregateId = aggregateId,
        EventId = Guid.NewGuid(),
        EventType = "OrderPlaced",
        Payload = "{}"u8.ToArray(),
        CreatedAt = CreatedAt,
    };

    public static PersistedEvent Persisted(long aggregateVersion, long globalPosition) => new()
    {
        GlobalPosition = globalPosition,
        AggregateType = "Order",
        AggregateId = "42",
        AggregateVersion = aggregateVersion,
        EventId = Guid.NewGuid(),
        EventType = "OrderPlaced",
        Payload = "{}"u8.ToArray(),
        CreatedAt = CreatedAt,
    };
}
