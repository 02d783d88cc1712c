using Npgsql;

namespace EventStore.Dapper;

/// <summary>Reads the highest global position visible to the transaction, 0 when there is none.</summary>
internal sealed class LatestPositionStatement(string events)
{
    public string Sql { get; } = $"SELECT COALESCE(MAX(global_position), 0) FROM {events}";

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction) => new(Sql, connection, transaction);

    public static async Task<long> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt64(0);
    }
}
