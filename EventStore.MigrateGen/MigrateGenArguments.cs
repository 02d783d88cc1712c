using EventStore.Dapper;

namespace EventStore.MigrateGen;

/// <summary>What the command line asked for, every default already filled in.</summary>
internal sealed record MigrateGenArguments
{
    public const string DefaultOutput = "migrations";

    public string Output { get; init; } = DefaultOutput;

    public required string FileName { get; init; }

    public string EventsTable { get; init; } = EventStoreOptions.Default.EventsTable;

    public string AggregateHeadsTable { get; init; } = EventStoreOptions.Default.AggregateHeadsTable;

    public string CheckpointsTable { get; init; } = EventStoreOptions.Default.CheckpointsTable;

    public long? PartitionSize { get; init; }

    public bool Force { get; init; }

    public bool ShowHelp { get; init; }

    public string FilePath => Path.Combine(Output, FileName);

    public EventStoreOptions ToOptions() => new()
    {
        EventsTable = EventsTable,
        AggregateHeadsTable = AggregateHeadsTable,
        CheckpointsTable = CheckpointsTable,
        PartitionSize = PartitionSize,
    };
}
