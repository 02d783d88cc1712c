namespace EventStore.Dapper;

/// <summary>The parameter names shared by the rendered statements and the code that binds them.</summary>
internal static class ParameterNames
{
    public const string AggregateType = "aggregate_type";
    public const string AggregateId = "aggregate_id";
    public const string Expected = "expected_version";
    public const string EventCount = "event_count";
    public const string EventIds = "event_ids";
    public const string EventTypes = "event_types";
    public const string EventVersions = "event_versions";
    public const string Payloads = "payloads";
    public const string Metadata = "metadata";
    public const string TraceIds = "trace_ids";
    public const string CorrelationIds = "correlation_ids";
    public const string CausationIds = "causation_ids";
    public const string CreatedAt = "created_at";
    public const string NotifyChannel = "notify_channel";
    public const string FromVersion = "from_version";
    public const string ToVersion = "to_version";
    public const string FromPosition = "from_position";
    public const string ToPosition = "to_position";
    public const string Limit = "limit";
    public const string ConsumerName = "consumer_name";
    public const string AggregateTypes = "aggregate_types";
}
