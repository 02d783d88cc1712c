using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Reads a consumer's next batch between its checkpoint and the safe frontier, optionally of some aggregate types, some
/// event types, or both, and optionally of one partition: settled positions only, so the upper bound is the frontier.
/// </summary>
/// <remarks>
/// A filtered batch reads one type's events at a time through that type's (type, global_position) index, each cut at the
/// limit, and merges them by position; see "Filters" in docs/consumers.md for the plans measured. PostgreSQL 15 cannot
/// read a btree in order under <c>type = ANY(...)</c>, and a generic plan, which a prepared statement soon gets, takes
/// any type for a common one and filters the primary key's range: over two million events, a type with none in them
/// cost a scan of all two million. The row comparison can only be served by the type's index, so the planner keeps it.
/// A partition's batch follows the same index and filters its hash on the rows read, about the partition count times
/// the rows it returns; see "Partitioned consumers" in docs/consumers.md.
/// </remarks>
/// <param name="events">The events table, quoted.</param>
/// <param name="guard">
/// The archive guard of a partitioned events table, which refuses a batch that would skip archived events, such as a new
/// consumer's first; null for a plain one.
/// </param>
internal sealed class ConsumerBatchStatement(string events, ArchiveGuard? guard)
{
    /// <summary>A batch of every event.</summary>
    public string AllSql { get; } = All(events, guard, alsoWhere: null);

    /// <summary>A batch of the aggregate types in the fourth parameter.</summary>
    public string AggregateTypesSql { get; } = ByType(events, guard, "aggregate_type", "$4", alsoWhere: null);

    /// <summary>A batch of the event types in the fourth parameter.</summary>
    public string EventTypesSql { get; } = ByType(events, guard, "event_type", "$4", alsoWhere: null);

    /// <summary>
    /// A batch of the aggregate types in the fourth parameter and the event types in the fifth. It follows the event-type
    /// index, since an aggregate usually has several event types, and filters the aggregate types on the rows it reads.
    /// </summary>
    public string AggregateAndEventTypesSql { get; } = ByType(events, guard, "event_type", "$5", alsoWhere: "aggregate_type = ANY($4)");

    /// <summary>The events of one partition: of partition $5 of $4.</summary>
    public string PartitionSql { get; } = All(events, guard, alsoWhere: InPartition("$4", "$5"));

    /// <summary>The events of one partition of the aggregate types in the fourth parameter: of partition $6 of $5.</summary>
    public string PartitionAggregateTypesSql { get; } = ByType(events, guard, "aggregate_type", "$4", alsoWhere: InPartition("$5", "$6"));

    /// <summary>The events of one partition of the event types in the fourth parameter: of partition $6 of $5.</summary>
    public string PartitionEventTypesSql { get; } = ByType(events, guard, "event_type", "$4", alsoWhere: InPartition("$5", "$6"));

    /// <summary>The events of one partition of the aggregate types in $4 and the event types in $5: of partition $7 of $6.</summary>
    public string PartitionAggregateAndEventTypesSql { get; } =
        ByType(events, guard, "event_type", "$5", alsoWhere: $"aggregate_type = ANY($4) AND {InPartition("$6", "$7")}");

    /// <summary>
    /// Whether an event's aggregate falls in partition <paramref name="index"/> of <paramref name="count"/>: the
    /// server's stable hash of the aggregate id with its sign bit cleared, so the remainder is never negative. The
    /// hash is the one PostgreSQL's hash partitioning uses for text; see "Partitioned consumers" in docs/consumers.md.
    /// </summary>
    private static string InPartition(string count, string index) =>
        $"(hashtextextended(aggregate_id, 0) & 9223372036854775807) % {count} = {index}";

    private static string All(string events, ArchiveGuard? guard, string? alsoWhere) => $"""
        SELECT {EventColumns.All}
        FROM {events}
        WHERE global_position > $1 AND global_position <= $2{(alsoWhere is null ? string.Empty : $" AND {alsoWhere}")}{Archived(guard, " AND ")}
        ORDER BY global_position
        LIMIT $3
        """;

    private static string Archived(ArchiveGuard? guard, string joiner) => guard is null ? string.Empty : joiner + guard.ReadsAfter("$1");

    // DISTINCT, because a type listed twice would otherwise read its events twice.
    private static string ByType(string events, ArchiveGuard? guard, string column, string types, string? alsoWhere) => $"""
        SELECT batch.*
        FROM (SELECT DISTINCT unnest({types}) AS wanted) AS wanted_types
        CROSS JOIN LATERAL (
            SELECT {EventColumns.All}
            FROM {events}
            WHERE ({column}, global_position) > (wanted_types.wanted, $1)
              AND ({column}, global_position) <= (wanted_types.wanted, $2){(alsoWhere is null ? string.Empty : $" AND {alsoWhere}")}
            ORDER BY {column}, global_position
            LIMIT $3) AS batch{Archived(guard, " WHERE ")}
        ORDER BY batch.global_position
        LIMIT $3
        """;

    /// <param name="connection">The batch's connection.</param>
    /// <param name="transaction">The batch's transaction.</param>
    /// <param name="after">The checkpoint: positions above it are read.</param>
    /// <param name="through">The safe frontier: positions up to it are read.</param>
    /// <param name="limit">The most events read.</param>
    /// <param name="aggregateTypes">The aggregate types a scoped consumer reads; null for all.</param>
    /// <param name="eventTypes">The event types a scoped consumer reads; null for all.</param>
    /// <param name="partition">The partition a partitioned consumer's worker reads; null for an unpartitioned consumer.</param>
    public NpgsqlCommand Create(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long after, long through, int limit, string[]? aggregateTypes, string[]? eventTypes,
        ConsumerPartition? partition = null)
    {
        var sql = (aggregateTypes, eventTypes, partition) switch
        {
            (null, null, null) => AllSql,
            (_, null, null) => AggregateTypesSql,
            (null, _, null) => EventTypesSql,
            (_, _, null) => AggregateAndEventTypesSql,
            (null, null, _) => PartitionSql,
            (_, null, _) => PartitionAggregateTypesSql,
            (null, _, _) => PartitionEventTypesSql,
            _ => PartitionAggregateAndEventTypesSql,
        };
        var command = new NpgsqlCommand(sql, connection, transaction);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = after });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = through });
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        foreach (var types in new[] { aggregateTypes, eventTypes })
        {
            if (types is not null)
            {
                parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = types });
            }
        }

        if (partition is not null)
        {
            parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = partition.Count });
            parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = partition.Index });
        }

        return command;
    }

    public static Task<List<PersistedEvent>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        EventColumns.ReadAsync(reader, cancellationToken);
}
