using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Records an event as a consumer's dead letter, in the batch that moves the checkpoint to it, so the record and the
/// checkpoint commit together or not at all. The error and the attempts come from the checkpoint row, which the batch has
/// locked and where the failures were counted; the event's identity comes from the event, its payload stays in the log.
/// </summary>
/// <remarks>
/// An event dead-lettered again, after its checkpoint was moved back, gets a fresh record that is not yet replayed.
/// </remarks>
internal sealed class DeadLetterStatement(string deadLetters, string checkpoints)
{
    public string Sql { get; } = $"""
        INSERT INTO {deadLetters} (consumer_name, global_position, event_id, aggregate_type, aggregate_id, aggregate_version,
                                   event_type, error, attempts)
        SELECT consumer_name, $2, $3, $4, $5, $6, $7, COALESCE(last_error, 'unknown error'), failed_attempts
        FROM {checkpoints}
        WHERE consumer_name = $1
        ON CONFLICT (consumer_name, global_position) DO UPDATE
        SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, dead_lettered_at = EXCLUDED.dead_lettered_at, replayed_at = NULL
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, PersistedEvent poison)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = poison.GlobalPosition });
        parameters.Add(new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = poison.EventId });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = poison.AggregateType });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = poison.AggregateId });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = poison.AggregateVersion });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = poison.EventType });
        return command;
    }

    /// <summary>Reads how many records were written: 1, or 0 when the checkpoint row is gone.</summary>
    public static Task<int> ReadAsync(NpgsqlDataReader reader) => Task.FromResult(reader.RecordsAffected);
}
