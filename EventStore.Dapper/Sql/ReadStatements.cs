using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Renders the reads. Columns are aliased to <see cref="PersistedEvent"/>'s properties so Dapper maps them by name.</summary>
internal static class ReadStatements
{
    // JSONB leaves the server as text unless converted; PersistedEvent carries metadata as UTF-8 bytes.
    private const string Columns = """
        global_position AS "GlobalPosition", aggregate_type AS "AggregateType", aggregate_id AS "AggregateId",
        aggregate_version AS "AggregateVersion", event_id AS "EventId", event_type AS "EventType",
        event_version AS "EventVersion", payload AS "Payload", convert_to(metadata::text, 'UTF8') AS "Metadata",
        created_at AS "CreatedAt", trace_id AS "TraceId", correlation_id AS "CorrelationId", causation_id AS "CausationId"
        """;

    public static string AggregateStream(string events, bool bounded)
    {
        var range = bounded ? $" AND aggregate_version BETWEEN @{FromVersion} AND @{ToVersion}" : string.Empty;
        return $"""
            SELECT {Columns}
            FROM {events}
            WHERE aggregate_type = @{AggregateType} AND aggregate_id = @{AggregateId}{range}
            ORDER BY aggregate_version
            """;
    }

    /// <summary>A consumer's batch: settled positions only, so the upper bound is the safe frontier.</summary>
    public static string ConsumerBatch(string events, bool scoped)
    {
        var scope = scoped ? $" AND aggregate_type = ANY(@{AggregateTypes})" : string.Empty;
        return $"""
            SELECT {Columns}
            FROM {events}
            WHERE global_position > @{FromPosition} AND global_position <= @{ToPosition}{scope}
            ORDER BY global_position
            LIMIT @{Limit}
            """;
    }

    public static string Events(string events) => $"""
        SELECT {Columns}
        FROM {events}
        WHERE global_position > @{FromPosition}
        ORDER BY global_position
        LIMIT @{Limit}
        """;
}
