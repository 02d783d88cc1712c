using EventStore.Dapper;

namespace EventStore.ConsumerTool;

/// <summary>What the command line asked for; checked by <see cref="ToolArgumentParser"/> before anything connects.</summary>
internal sealed record ToolArguments
{
    /// <summary>The environment variable read for the connection string when <c>-connection</c> is not given.</summary>
    public const string ConnectionVariable = "EVENTSTORE_CONNECTION";

    /// <summary>Gets the command: <c>status</c>, <c>reset</c>, <c>resume</c> or <c>remove</c>.</summary>
    public string Command { get; init; } = string.Empty;

    public string? Consumer { get; init; }

    /// <summary>Gets the checkpoint <c>reset</c> moves to.</summary>
    public long? To { get; init; }

    public string? ConnectionString { get; init; }

    public string EventsTable { get; init; } = EventStoreOptions.Default.EventsTable;

    public string CheckpointsTable { get; init; } = EventStoreOptions.Default.CheckpointsTable;

    /// <summary>Gets whether <c>status</c> prints JSON instead of text.</summary>
    public bool Json { get; init; }

    public bool ShowHelp { get; init; }

    public EventStoreOptions ToOptions() => EventStoreOptions.Default with { EventsTable = EventsTable, CheckpointsTable = CheckpointsTable };
}
