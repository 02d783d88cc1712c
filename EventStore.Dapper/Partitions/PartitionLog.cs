using Microsoft.Extensions.Logging;

namespace EventStore.Dapper;

/// <summary>What the store logs about a partitioned events table's partitions.</summary>
internal static partial class PartitionLog
{
    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "Only {Ahead} partitions of {EventsTable} remain beyond the one holding position {Position}, fewer than the {Minimum} configured (EventStoreOptions.MinPartitionsAhead); make more with PostgresEventStore.CreatePartitionsAsync, the schema's create_partitions function or pg_partman's run_maintenance before appends run out")]
    public static partial void FewPartitionsAhead(ILogger logger, long ahead, string eventsTable, long position, int minimum);
}
