using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Deletes a retired consumer's checkpoint rows, so that archival no longer waits for it, unless an instance still
/// holds one: a live table lease, or the advisory lock. Locking
/// the rows first waits for a batch in flight. Returns every row with whether it was held; none are deleted if one was.
/// </summary>
internal sealed class ConsumerRemoveStatement(string checkpoints)
{
    public string Sql { get; } = $"""
        WITH target AS (
            SELECT consumer_name,
                   (lease_owner IS NOT NULL AND lease_expires_at > clock_timestamp())
                   OR EXISTS (SELECT FROM pg_locks AS l WHERE {ConsumerRows.AdvisoryLockHeld("l", "consumer_name")}) AS held
            FROM {checkpoints}
            WHERE {ConsumerRows.Match("$1")}
            FOR UPDATE),
        removed AS (
            DELETE FROM {checkpoints} AS checkpoint
            USING target
            WHERE checkpoint.consumer_name = target.consumer_name AND NOT EXISTS (SELECT FROM target WHERE held))
        SELECT consumer_name, held FROM target ORDER BY consumer_name
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        return command;
    }

    /// <summary>Reads the consumer's rows and, for each, whether an instance held it.</summary>
    public static async Task<List<(string Row, bool Held)>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<(string, bool)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        return rows;
    }
}
