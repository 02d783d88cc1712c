using EventStore.Dapper;
using Npgsql;

namespace EventStore.Tests.DapperIsolation;

/// <summary>
/// Uses the store and the processor for real: append, the three reads, and a consumer over the appended events, whose
/// lease, checkpoint and frontier probe are the library's own Dapper statements. They must work with Dapper as the
/// application left it, so the outcomes are the same with and without the opt-in mappings.
/// </summary>
internal static class LibraryExercise
{
    public const int EventCount = 3;
    private static readonly TimeSpan ConsumerTimeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset CreatedAt = new(2024, 5, 1, 12, 0, 0, 123, TimeSpan.Zero);

    public static async Task<List<Outcome>> RunAsync(
        NpgsqlDataSource dataSource, PostgresEventStore store, ConsumerProcessor processor, SeenEventsConsumer consumer)
    {
        var events = Enumerable.Range(1, EventCount).Select(NewEvent).ToList();
        var outcomes = new List<Outcome>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var appended = await store.AppendAsync(transaction, ExpectedVersion.NoStream, events);
            outcomes.Add(new("append", $"from version {appended.FromVersion} to {appended.ToVersion}, positions {string.Join(", ", appended.GlobalPositions)}"));
            await transaction.CommitAsync();
        }

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var stream = await store.ReadAggregateStreamAsync(transaction, "Isolation", "isolation-1");
            outcomes.Add(new("read stream", Matches(events, stream.Events)));
            var page = await store.ReadEventsAsync(transaction, fromPosition: 0, limit: 10);
            outcomes.Add(new("read events", Matches(events, page)));
            outcomes.Add(new("latest global position", $"{await store.GetLatestGlobalPositionAsync(transaction)}"));
        }

        outcomes.Add(new("consumer", await ConsumeAsync(processor, consumer)));
        return outcomes;
    }

    private static Event NewEvent(int number) => new()
    {
        AggregateType = "Isolation",
        AggregateId = "isolation-1",
        EventId = Guid.CreateVersion7(),
        EventType = "Checked",
        Payload = [(byte)number],
        Metadata = """{"run": "isolation"}"""u8.ToArray(),
        CreatedAt = CreatedAt.AddMinutes(number),
        TraceId = number == 1 ? "trace-1" : NullString.Null,
    };

    private static string Matches(List<Event> appended, IReadOnlyList<PersistedEvent> read)
    {
        var same = read.Count == appended.Count && read.Zip(appended).All(pair =>
            pair.First.EventId == pair.Second.EventId
            && pair.First.CreatedAt == pair.Second.CreatedAt
            && pair.First.TraceId == pair.Second.TraceId
            && pair.First.Payload.AsSpan().SequenceEqual(pair.Second.Payload));
        return $"{read.Count} events, {(same ? "as appended" : "NOT as appended")}";
    }

    private static async Task<string> ConsumeAsync(ConsumerProcessor processor, SeenEventsConsumer consumer)
    {
        using var stop = new CancellationTokenSource();
        var running = processor.RunAsync(stop.Token);
        var finished = await Task.WhenAny(consumer.AllSeen, running, Task.Delay(ConsumerTimeout));
        await stop.CancelAsync();
        await running;
        return finished == consumer.AllSeen
            ? $"handled positions {string.Join(", ", consumer.Positions)}"
            : $"handled {consumer.Positions.Count} of {EventCount} events before {(finished == running ? "the processor stopped" : "the timeout")}";
    }
}
