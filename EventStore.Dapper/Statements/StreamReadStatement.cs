using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>Reads one aggregate's stream in version order, whole or between two inclusive versions.</summary>
/// <remarks>
/// On a partitioned events table the stream's positions come from the key table's version index, and each event is
/// read by position, from the one partition that holds it, so a read never probes every partition's index. A key
/// whose event is gone, because its partition was archived, makes the read fail rather than return a stream with a hole.
/// </remarks>
/// <param name="events">The events table, quoted.</param>
/// <param name="keys">The key table of a partitioned events table, quoted; null for a plain one.</param>
/// <param name="guard">The archive guard of a partitioned events table; null for a plain one.</param>
internal sealed class StreamReadStatement(string events, string? keys, ArchiveGuard? guard)
{
    private const string VersionRange = "aggregate_version BETWEEN $3 AND $4";

    /// <summary>The whole stream.</summary>
    public string WholeSql { get; } = Render(events, keys, guard, range: null);

    /// <summary>The stream between two inclusive versions.</summary>
    public string RangeSql { get; } = Render(events, keys, guard, VersionRange);

    private static string Render(string events, string? keys, ArchiveGuard? guard, string? range) => keys is null || guard is null
        ? $"""
          SELECT {EventColumns.Stream}
          FROM {events}
          WHERE aggregate_type = $1 AND aggregate_id = $2{(range is null ? string.Empty : $" AND {range}")}
          ORDER BY aggregate_version
          """
        : $"""
          SELECT event.*
          FROM {keys} AS key
          LEFT JOIN LATERAL (SELECT {EventColumns.Stream} FROM {events} WHERE global_position = key.global_position) AS event ON true
          WHERE key.aggregate_type = $1 AND key.aggregate_id = $2{(range is null ? string.Empty : $" AND key.{range}")}
            AND {guard.EventFound("event.global_position", "key.global_position")}
          ORDER BY key.aggregate_version
          """;

    public NpgsqlCommand Create(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string aggregateType, string aggregateId, long? fromVersion, long? toVersion)
    {
        var bounded = fromVersion.HasValue || toVersion.HasValue;
        var command = new NpgsqlCommand(bounded ? RangeSql : WholeSql, connection, transaction);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = aggregateType });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = aggregateId });
        if (bounded)
        {
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = fromVersion ?? 0 });
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = toVersion ?? long.MaxValue });
        }

        return command;
    }

    /// <summary>Reads the rows; the aggregate's type and id come from the call, since every row has the same.</summary>
    public static Task<List<PersistedEvent>> ReadAsync(
        NpgsqlDataReader reader, string aggregateType, string aggregateId, CancellationToken cancellationToken) =>
        EventColumns.ReadAsync(reader, aggregateType, aggregateId, cancellationToken);
}
