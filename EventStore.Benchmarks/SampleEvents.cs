using System.Text;
using System.Text.Json;

namespace EventStore.Benchmarks;

/// <summary>The events every contender writes: the same payload and metadata, new ids each time.</summary>
internal static class SampleEvents
{
    public const string AggregateType = "Order";
    public const string EventType = "OrderPlaced";

    public static readonly MartenEvent Body = new(99.5m, "benchmark payload with some text in it, about a hundred bytes long");
    public static readonly byte[] Payload = JsonSerializer.SerializeToUtf8Bytes(Body);
    public static readonly byte[] Metadata = """{"user": "ada", "tenant": "bench"}"""u8.ToArray();
    public static readonly string MetadataText = Encoding.UTF8.GetString(Metadata);

    private static long _next;

    /// <summary>An aggregate id that no run has used, so "new aggregate" really is new.</summary>
    public static string NewAggregateId(string prefix) =>
        $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref _next)}";

    public static Event[] For(string aggregateId, int count) => For(AggregateType, aggregateId, count);

    public static Event[] For(string aggregateType, string aggregateId, int count, Func<Guid>? newId = null)
    {
        var events = new Event[count];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            events[i] = new Event
            {
                AggregateType = aggregateType,
                AggregateId = aggregateId,
                EventId = newId?.Invoke() ?? Guid.NewGuid(),
                EventType = EventType,
                Payload = Payload,
                Metadata = Metadata,
                CreatedAt = now,
            };
        }

        return events;
    }

    public static object[] ForMarten(int count) => Enumerable.Repeat<object>(Body, count).ToArray();
}
