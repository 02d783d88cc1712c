namespace EventStore.Dapper;

/// <summary>
/// Renders the reads. Each returns <see cref="EventRows"/>' columns in its order, with positional placeholders that
/// <see cref="ReadParameters"/> binds.
/// </summary>
internal static class ReadStatements
{
    // The aggregate columns come last, so a stream read, whose caller already has them, can leave them out.
    private const string StreamColumns = """
        global_position, aggregate_version, event_id, event_type, event_version, payload,
        metadata, created_at, trace_id, correlation_id, causation_id
        """;

    private const string Columns = StreamColumns + ", aggregate_type, aggregate_id";

    public static string AggregateStream(string events, bool bounded)
    {
        var range = bounded
            ? $" AND aggregate_version BETWEEN {ReadParameters.Stream.FromVersion} AND {ReadParameters.Stream.ToVersion}"
            : string.Empty;
        return $"""
            SELECT {StreamColumns}
            FROM {events}
            WHERE aggregate_type = {ReadParameters.Stream.AggregateType} AND aggregate_id = {ReadParameters.Stream.AggregateId}{range}
            ORDER BY aggregate_version
            """;
    }

    /// <summary>A consumer's batch: settled positions only, so the upper bound is the safe frontier.</summary>
    public static string ConsumerBatch(string events, bool scoped)
    {
        var scope = scoped ? $" AND aggregate_type = ANY({ReadParameters.Batch.AggregateTypes})" : string.Empty;
        return $"""
            SELECT {Columns}
            FROM {events}
            WHERE global_position > {ReadParameters.Batch.FromPosition} AND global_position <= {ReadParameters.Batch.ToPosition}{scope}
            ORDER BY global_position
            LIMIT {ReadParameters.Batch.Limit}
            """;
    }

    public static string Events(string events) => $"""
        SELECT {Columns}
        FROM {events}
        WHERE global_position > {ReadParameters.Log.FromPosition}
        ORDER BY global_position
        LIMIT {ReadParameters.Log.Limit}
        """;
}
