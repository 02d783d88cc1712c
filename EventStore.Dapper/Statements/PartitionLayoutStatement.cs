using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Finds a consumer's checkpoint rows that belong to another partition layout than the one declared: rows of another
/// partition count, or the unpartitioned row beside partition rows, or the reverse. Their positions cannot carry over.
/// </summary>
internal sealed class PartitionLayoutStatement(string checkpoints)
{
    /// <summary>The most foreign rows named in a refusal; one is enough to refuse, a few show the old layout.</summary>
    public const int Shown = 8;

    public string Sql { get; } = $"""
        SELECT consumer_name FROM {checkpoints}
        WHERE {ConsumerRows.Match("$1")} AND consumer_name <> ALL($2)
        ORDER BY consumer_name
        LIMIT {Shown}
        """;

    /// <param name="connection">An open connection.</param>
    /// <param name="consumer">The consumer's name, as declared.</param>
    /// <param name="expectedRows">The row names of the declared layout.</param>
    public NpgsqlCommand Create(NpgsqlConnection connection, string consumer, string[] expectedRows)
    {
        var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = expectedRows });
        return command;
    }

    public static async Task<List<string>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
