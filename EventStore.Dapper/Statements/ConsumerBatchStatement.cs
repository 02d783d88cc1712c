using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Reads a consumer's next batch between its checkpoint and the safe frontier, optionally of some aggregate types only:
/// settled positions only, so the upper bound is the frontier.
/// </summary>
/// <param name="events">The events table, quoted.</param>
/// <param name="guard">
/// The archive guard of a partitioned events table, which refuses a batch that would skip archived events, such as a new
/// consumer's first; null for a plain one.
/// </param>
internal sealed class ConsumerBatchStatement(string events, ArchiveGuard? guard)
{

    /// <summary>A batch of every aggregate type.</summary>
    public string AllSql { get; } = $"""
        SELECT {EventColumns.All}
        FROM {events}
        WHERE global_position > $1 AND global_position <= $2{Archived(guard)}
        ORDER BY global_position
        LIMIT $3
        """;

    /// <summary>A batch of the aggregate types in the fourth parameter.</summary>
    public string ScopedSql { get; } = $"""
        SELECT {EventColumns.All}
        FROM {events}
        WHERE global_position > $1 AND global_position <= $2 AND aggregate_type = ANY($4){Archived(guard)}
        ORDER BY global_position
        LIMIT $3
        """;

    private static string Archived(ArchiveGuard? guard) => guard is null ? string.Empty : $" AND {guard.ReadsAfter("$1")}";

    /// <param name="connection">The batch's connection.</param>
    /// <param name="transaction">The batch's transaction.</param>
    /// <param name="after">The checkpoint: positions above it are read.</param>
    /// <param name="through">The safe frontier: positions up to it are read.</param>
    /// <param name="limit">The most events read.</param>
    /// <param name="aggregateTypes">The types a scoped consumer reads; null for all.</param>
    public NpgsqlCommand Create(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long after, long through, int limit, string[]? aggregateTypes)
    {
        var command = new NpgsqlCommand(aggregateTypes is null ? AllSql : ScopedSql, connection, transaction);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = after });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = through });
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        if (aggregateTypes is not null)
        {
            parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = aggregateTypes });
        }

        return command;
    }

    public static Task<List<PersistedEvent>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        EventColumns.ReadAsync(reader, cancellationToken);
}
