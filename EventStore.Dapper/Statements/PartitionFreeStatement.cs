using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Whether a partition's lease is free, read without taking it, so that an instance that has its fair share can watch
/// a partition stay free before it adopts it, and leaves it to a newcomer meanwhile.
/// </summary>
/// <remarks>
/// An advisory lock is looked for in <c>pg_locks</c> as status looks for it (<see cref="ConsumerRows.AdvisoryLockHeld"/>).
/// A table lease is free as <see cref="TableLeaseStatement.TakeSql"/> would find it, without its row lock.
/// </remarks>
internal sealed class PartitionFreeStatement(string checkpoints)
{
    public string AdvisoryLockSql { get; } =
        $"SELECT NOT EXISTS (SELECT FROM pg_locks AS l WHERE {ConsumerRows.AdvisoryLockHeld("l", "$1")})";

    public string TableSql { get; } = $"""
        SELECT COALESCE((SELECT lease_owner IS NULL OR lease_expires_at <= clock_timestamp()
                         FROM {checkpoints} WHERE consumer_name = $1), true)
        """;

    /// <param name="connection">An open connection, outside any transaction.</param>
    /// <param name="mode">The lease mode whose lease is looked at.</param>
    /// <param name="rowName">The partition's checkpoint row, which names its lease.</param>
    public NpgsqlCommand Create(NpgsqlConnection connection, ConsumerLeaseMode mode, string rowName)
    {
        var command = new NpgsqlCommand(mode == ConsumerLeaseMode.Table ? TableSql : AdvisoryLockSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = rowName });
        return command;
    }

    public static async Task<bool> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetBoolean(0);
}
