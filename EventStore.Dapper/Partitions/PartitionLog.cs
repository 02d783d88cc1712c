using Microsoft.Extensions.Logging;

namespace EventStore.Dapper;

/// <summary>What the store logs about a partitioned events table's partitions.</summary>
internal static partial class PartitionLog
{
    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "Only {Ahead} partitions of {EventsTable} remain beyond the one holding position {Position}, fewer than the {Minimum} configured (EventStoreOptions.MinPartitionsAhead); make more with PostgresEventStore.CreatePartitionsAsync, the schema's create_partitions function or pg_partman's run_maintenance before appends run out")]
    public static partial void FewPartitionsAhead(ILogger logger, long ahead, string eventsTable, long position, int minimum);

    /// <summary>Logs each partition archived, and the consumer that held the next one back.</summary>
    public static void Archived(ILogger logger, string eventsTable, PartitionArchival archival)
    {
        foreach (var partition in archival.Archived)
        {
            PartitionArchived(logger, partition.Name, partition.FirstPosition, partition.LastPosition, eventsTable);
        }

        if (archival.HeldBack is { } hold)
        {
            ArchiveHeldBack(logger, hold.Partition.Name, hold.Partition.LastPosition, hold.Consumer, hold.Checkpoint);
        }
    }

    [LoggerMessage(EventId = 31, Level = LogLevel.Information,
        Message = "Archived partition {Partition}, positions {FirstPosition} to {LastPosition}: detached from {EventsTable} once the transaction commits")]
    private static partial void PartitionArchived(ILogger logger, string partition, long firstPosition, long lastPosition, string eventsTable);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information,
        Message = "Partition {Partition} stays attached: it holds positions up to {LastPosition}, and consumer {Consumer} has handled only up to {Checkpoint}")]
    private static partial void ArchiveHeldBack(ILogger logger, string partition, long lastPosition, string consumer, long checkpoint);
}
