using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>Reads a consumer's dead letters that are not replayed yet, across its partitions' rows, in position order.</summary>
internal sealed class DeadLetterReadStatement(string deadLetters)
{
    public string Sql { get; } = $"""
        SELECT consumer_name, global_position, event_id, aggregate_type, aggregate_id, aggregate_version, event_type,
               error, attempts, dead_lettered_at
        FROM {deadLetters}
        WHERE {ConsumerRows.Match("$1")} AND replayed_at IS NULL AND global_position > $2
        ORDER BY global_position, consumer_name
        LIMIT $3
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, long afterPosition, int limit)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = afterPosition });
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        return command;
    }

    public static async Task<IReadOnlyList<DeadLetter>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(new DeadLetter(
                reader.GetString(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
                reader.GetString(6), reader.GetString(7), reader.GetInt32(8), reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return letters;
    }
}
