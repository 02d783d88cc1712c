using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Whether a partition's lease is free, read without taking it, so that an instance that has its fair share can watch
/// a partition stay free before it adopts it, and leaves it to a newcomer meanwhile.
/// </summary>
/// <remarks>
/// An advisory lock on a bigint key shows in <c>pg_locks</c> with the key's high half as <c>classid</c>, its low half
/// as <c>objid</c> and <c>objsubid</c> 1; the key is the one <see cref="ConsumerStatements.TryLease"/> takes. A table
/// lease is free as <see cref="TableLeaseStatement.TakeSql"/> would find it, without its row lock.
/// </remarks>
internal sealed class PartitionFreeStatement(string checkpoints)
{
    public string AdvisoryLockSql { get; } = """
        SELECT NOT EXISTS (
            SELECT FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid = ((lease.key >> 32) & 4294967295)::oid AND objid = (lease.key & 4294967295)::oid)
        FROM (SELECT hashtextextended($1, 0) AS key) AS lease
        """;

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
