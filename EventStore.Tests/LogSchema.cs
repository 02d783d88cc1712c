namespace EventStore.Tests;

/// <summary>The two shapes of the event log the store's contract holds for.</summary>
public enum LogSchema
{
    /// <summary>One plain events table, the default.</summary>
    Plain,

    /// <summary>An events table partitioned by position, with its key table (<c>EventStoreOptions.PartitionSize</c>).</summary>
    Partitioned,
}
