using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Records in the consumer's checkpoint row what its holder last saw: the safe frontier and the writer holding it
/// back, which only the holder knows, since the frontier depends on when each writer was first seen. Status reads it
/// (<see cref="ConsumerStatusStatement"/>). A table lease's holder writes only while the row still names it; under
/// advisory locks the row names no holder.
/// </summary>
internal sealed class ObservationStatement(string checkpoints)
{
    public string Sql { get; } = $"""
        UPDATE {checkpoints}
        SET observed_by = $2, observed_at = clock_timestamp(), frontier_position = $3, blocker_pid = $4, blocked_since = $5
        WHERE consumer_name = $1 AND (lease_owner IS NULL OR lease_owner = $2)
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, string consumer, string owner, long safePosition, GapFrontier.Writer? blocker)
    {
        var command = new NpgsqlCommand(Sql, connection);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = owner });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = safePosition });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = blocker is null ? DBNull.Value : blocker.ProcessId });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = blocker is null ? DBNull.Value : blocker.FirstSeen });
        return command;
    }
}
