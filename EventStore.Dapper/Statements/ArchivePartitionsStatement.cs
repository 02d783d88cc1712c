using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Archives a partitioned events table's oldest partitions through the function the schema installs, so that the same
/// work, with the same consumer check, runs from the store, from psql or from a scheduler.
/// </summary>
/// <param name="function">The schema's archive function, quoted.</param>
internal sealed class ArchivePartitionsStatement(string function)
{
    public string Sql { get; } = $"SELECT partition_name, first_position, last_position, archived, held_by, held_at FROM {function}($1)";

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, long through)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = through });
        return command;
    }

    /// <summary>The partitions detached, oldest first, and the consumer that held the next one back, if one did.</summary>
    public static async Task<PartitionArchival> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var archived = new List<LogPartition>();
        ArchiveHold? heldBack = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var partition = new LogPartition(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            if (reader.GetBoolean(3))
            {
                archived.Add(partition);
            }
            else
            {
                heldBack = new ArchiveHold(partition, reader.GetString(4), reader.GetInt64(5));
            }
        }

        return new PartitionArchival(archived, heldBack);
    }
}
