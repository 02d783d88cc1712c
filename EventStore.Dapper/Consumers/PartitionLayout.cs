using Npgsql;

namespace EventStore.Dapper;

/// <summary>The checkpoint rows a consumer's declared layout has, and the check that no others exist.</summary>
internal static class PartitionLayout
{
    /// <summary>The row names of a consumer: its own name, or one per partition.</summary>
    public static string[] Rows(string consumer, int? partitionCount) => partitionCount is { } count
        ? [.. Enumerable.Range(0, count).Select(partition => ConsumerRows.PartitionName(consumer, partition, count))]
        : [consumer];

    /// <exception cref="PartitionLayoutException">The checkpoints table holds rows of another layout of the consumer.</exception>
    public static async Task CheckAsync(
        NpgsqlConnection connection, SqlDialect sql, StatementPreparation preparation, string consumer, int? partitionCount, CancellationToken cancellationToken)
    {
        var foreign = await StoreCommands.RunAsync(sql.PartitionLayout.Create(connection, consumer, Rows(consumer, partitionCount)), preparation, 0,
            static (reader, _, token) => PartitionLayoutStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        if (foreign.Count > 0)
        {
            throw PartitionLayoutException.Changed(consumer, partitionCount, sql.CheckpointsTable, foreign);
        }
    }
}
