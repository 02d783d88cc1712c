using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// The membership of the instances that run a partitioned consumer: each renews its row by heartbeat, says how many
/// partitions it holds, and learns how many others are alive and the fewest partitions any of them holds. Each
/// statement is one autocommitted statement and expiry comes from the server's clock, so it works behind PgBouncer in
/// transaction mode and with instances whose clocks disagree.
/// </summary>
internal sealed class PartitionMembersStatement(string members)
{
    /// <summary>
    /// Renews this instance's row and sweeps rows expired for longer than a whole expiry, left by instances that died.
    /// The counting query reads the snapshot from before both changes, so it leaves this instance out by name.
    /// </summary>
    public string BeatSql { get; } = $"""
        WITH beat AS (
            INSERT INTO {members} (consumer_name, member, partitions_held, expires_at)
            VALUES ($1, $2, $3, clock_timestamp() + $4)
            ON CONFLICT (consumer_name, member)
            DO UPDATE SET partitions_held = EXCLUDED.partitions_held, expires_at = EXCLUDED.expires_at),
        swept AS (
            DELETE FROM {members} WHERE consumer_name = $1 AND expires_at < clock_timestamp() - $4)
        SELECT count(*)::int, min(partitions_held)
        FROM {members}
        WHERE consumer_name = $1 AND member <> $2 AND expires_at > clock_timestamp()
        """;

    /// <summary>Removes this instance's row as it stops, so the others take its share at once.</summary>
    public string LeaveSql { get; } = $"DELETE FROM {members} WHERE consumer_name = $1 AND member = $2";

    /// <param name="connection">An open connection, outside any transaction.</param>
    /// <param name="consumer">The consumer's name, as declared.</param>
    /// <param name="member">This processor instance's name for itself.</param>
    /// <param name="held">How many of the consumer's partitions this instance holds.</param>
    /// <param name="expiry">How long the row counts as alive without another heartbeat.</param>
    public NpgsqlCommand Beat(NpgsqlConnection connection, string consumer, string member, int held, TimeSpan expiry)
    {
        var command = Bind(new NpgsqlCommand(BeatSql, connection), consumer, member);
        command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = held });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { NpgsqlDbType = NpgsqlDbType.Interval, TypedValue = expiry });
        return command;
    }

    public NpgsqlCommand Leave(NpgsqlConnection connection, string consumer, string member) =>
        Bind(new NpgsqlCommand(LeaveSql, connection), consumer, member);

    /// <summary>Reads how many other instances are alive, and the fewest partitions any of them holds (null for none).</summary>
    public static async Task<(int Others, int? FewestHeld)> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1));
    }

    private static NpgsqlCommand Bind(NpgsqlCommand command, string consumer, string member)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = member });
        return command;
    }
}
