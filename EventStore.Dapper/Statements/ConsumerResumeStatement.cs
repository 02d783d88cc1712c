using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Lets a consumer that stopped on a failing event run again: clears the stop and the attempt count on each of its
/// checkpoint rows, so the event gets the full number of attempts again. Locking the rows first waits for a batch in
/// flight, and reports which rows had stopped.
/// </summary>
internal sealed class ConsumerResumeStatement(string checkpoints)
{
    public string Sql { get; } = $"""
        WITH target AS (
            SELECT consumer_name, stopped_at IS NOT NULL AS was_stopped FROM {checkpoints}
            WHERE {ConsumerRows.Match("$1")}
            FOR UPDATE)
        UPDATE {checkpoints} AS checkpoint
        SET stopped_at = NULL, failed_attempts = 0, failed_position = NULL
        FROM target
        WHERE checkpoint.consumer_name = target.consumer_name
        RETURNING target.was_stopped
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        return command;
    }

    /// <summary>Reads how many rows the consumer has, and how many of them had stopped.</summary>
    public static async Task<(int Rows, int Stopped)> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var (rows, stopped) = (0, 0);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows++;
            stopped += reader.GetBoolean(0) ? 1 : 0;
        }

        return (rows, stopped);
    }
}
