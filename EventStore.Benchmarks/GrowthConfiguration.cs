using EventStore.Dapper;

namespace EventStore.Benchmarks;

/// <summary>One table layout and one kind of event id, as a store is configured and as the loader writes them.</summary>
internal sealed record GrowthConfiguration(bool Partitioned, bool TimeOrdered)
{
    public static readonly IReadOnlyList<GrowthConfiguration> All =
        [new(false, false), new(false, true), new(true, false), new(true, true)];

    public string Name => $"{(Partitioned ? "partitioned" : "plain")}, {(TimeOrdered ? "time-ordered ids" : "random ids")}";

    public EventStoreOptions Options(long partitionSize) =>
        new() { PartitionSize = Partitioned ? partitionSize : null };

    /// <summary>What an application of this kind would give each new event.</summary>
    public Guid NewEventId() => TimeOrdered ? Guid.CreateVersion7() : Guid.NewGuid();
}
