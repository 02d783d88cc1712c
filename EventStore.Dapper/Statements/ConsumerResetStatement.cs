using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Moves every checkpoint row of a consumer to one position. Locking the rows first waits for a batch in flight, which
/// holds its row to the end. Raising the epoch and clearing the table lease fences the holder: a table lease's holder
/// fails its next renewal and takes the lease again, an advisory lock's holder sees the epoch at its next probe, and
/// either reads the checkpoint again. A stop and failure count are cleared with it, since the event they were about is
/// no longer next.
/// </summary>
internal sealed class ConsumerResetStatement(string checkpoints)
{
    public string Sql { get; } = $"""
        WITH target AS (
            SELECT consumer_name, global_position FROM {checkpoints}
            WHERE {ConsumerRows.Match("$1")}
            FOR UPDATE)
        UPDATE {checkpoints} AS checkpoint
        SET global_position = $2, updated_at = now(), lease_epoch = checkpoint.lease_epoch + 1, lease_owner = NULL,
            lease_expires_at = NULL, failed_position = NULL, failed_attempts = 0, stopped_at = NULL
        FROM target
        WHERE checkpoint.consumer_name = target.consumer_name
        RETURNING target.consumer_name, target.global_position
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, long position)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = position });
        return command;
    }

    public static async Task<List<CheckpointMove>> ReadAsync(NpgsqlDataReader reader, long position, CancellationToken cancellationToken)
    {
        var moves = new List<CheckpointMove>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            moves.Add(new CheckpointMove(reader.GetString(0), reader.GetInt64(1), position));
        }

        moves.Sort((left, right) => string.CompareOrdinal(left.Consumer, right.Consumer));
        return moves;
    }
}
