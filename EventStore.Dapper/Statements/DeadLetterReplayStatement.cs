using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Marks a consumer's oldest dead letters replayed and reads their events from the log, in the caller's transaction, so
/// a handler failure rolls the marks back with it.
/// </summary>
/// <remarks>
/// The mark first locks the consumer's checkpoint rows, as every batch does, so a replay waits for a batch in flight
/// and holds the next until the caller's transaction ends: the consumer's handler never runs twice at once. Two
/// replays of one consumer serialise on those rows too, and the second finds the letters the first replayed marked.
/// </remarks>
internal sealed class DeadLetterReplayStatement(string deadLetters, string checkpoints, string events)
{
    public string MarkSql { get; } = $"""
        WITH locked AS (
            SELECT consumer_name FROM {checkpoints}
            WHERE {ConsumerRows.Match("$1")}
            FOR UPDATE),
        picked AS (
            SELECT letter.consumer_name, letter.global_position
            FROM {deadLetters} AS letter JOIN locked ON locked.consumer_name = letter.consumer_name
            WHERE letter.replayed_at IS NULL
            ORDER BY letter.global_position
            LIMIT $2
            FOR UPDATE OF letter)
        UPDATE {deadLetters} AS letter SET replayed_at = now()
        FROM picked
        WHERE letter.consumer_name = picked.consumer_name AND letter.global_position = picked.global_position
        RETURNING letter.global_position
        """;

    public string EventsSql { get; } = $"""
        SELECT {EventColumns.All}
        FROM {events}
        WHERE global_position = ANY($1)
        ORDER BY global_position
        """;

    public NpgsqlCommand Mark(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, int limit)
    {
        var command = new NpgsqlCommand(MarkSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        return command;
    }

    public NpgsqlCommand Events(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] positions)
    {
        var command = new NpgsqlCommand(EventsSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = positions });
        return command;
    }

    /// <summary>Reads the marked letters' positions, in position order.</summary>
    public static async Task<long[]> ReadMarkedAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var positions = new List<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            positions.Add(reader.GetInt64(0));
        }

        positions.Sort();
        return [.. positions];
    }

    public static Task<List<PersistedEvent>> ReadEventsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        EventColumns.ReadAsync(reader, cancellationToken);
}
