using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>Reads one aggregate's stream in version order, whole or between two inclusive versions.</summary>
internal sealed class StreamReadStatement(string events)
{
    /// <summary>The whole stream.</summary>
    public string WholeSql { get; } = $"""
        SELECT {EventColumns.Stream}
        FROM {events}
        WHERE aggregate_type = $1 AND aggregate_id = $2
        ORDER BY aggregate_version
        """;

    /// <summary>The stream between two inclusive versions.</summary>
    public string RangeSql { get; } = $"""
        SELECT {EventColumns.Stream}
        FROM {events}
        WHERE aggregate_type = $1 AND aggregate_id = $2 AND aggregate_version BETWEEN $3 AND $4
        ORDER BY aggregate_version
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
