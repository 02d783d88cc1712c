namespace EventStore.Dapper;

/// <summary>
/// The names under which the store reports, for subscribing with OpenTelemetry
/// (<c>AddSource(EventStoreDiagnostics.ActivitySourceName)</c>, <c>AddMeter(EventStoreDiagnostics.MeterName)</c>) or any
/// <see cref="System.Diagnostics.ActivityListener"/> and <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// <para>Spans: <c>eventstore.append</c>, <c>eventstore.read_stream</c> and <c>eventstore.read_events</c>, tagged with
/// <c>eventstore.aggregate_type</c>, <c>eventstore.event_count</c>, <c>eventstore.expected_version</c> and
/// <c>eventstore.outcome</c> (<c>appended</c>, <c>retried</c>, <c>conflict</c>, <c>duplicate</c>, <c>error</c>) as they
/// apply. Aggregate ids only with <see cref="EventStoreOptions.RecordAggregateIds"/>; payloads and metadata never.</para>
/// <para>Metrics: <c>eventstore.events.appended</c>, <c>eventstore.append.duration</c> (seconds),
/// <c>eventstore.append.conflicts</c>, <c>eventstore.append.duplicates</c> and <c>eventstore.events.read</c>. The
/// consumer processor reports under <see cref="ConsumerMeterName"/>.</para>
/// <para>With nothing listening, a span costs one check and a metric nothing.</para>
/// </remarks>
public static class EventStoreDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of appends and reads.</summary>
    public const string ActivitySourceName = "EventStore";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of appends and reads.</summary>
    public const string MeterName = "EventStore";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the consumer processor.</summary>
    public const string ConsumerMeterName = "EventStore.Consumers";
}
