using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Reads the number of the highest partition of a partitioned events table, whoever made it, through the schema's
/// function: partition k holds positions k × size up to (k + 1) × size − 1.
/// </summary>
/// <param name="function">The schema's last-partition function, quoted.</param>
internal sealed class LastPartitionStatement(string function)
{
    public string Sql { get; } = $"SELECT {function}()";

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction) => new(Sql, connection, transaction);

    /// <summary>The highest partition's number; -1 when there is none.</summary>
    public static async Task<long> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt64(0);
    }
}
