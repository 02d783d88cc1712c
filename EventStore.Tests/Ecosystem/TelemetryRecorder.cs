using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EventStore.Dapper;

namespace EventStore.Tests.Ecosystem;

/// <summary>
/// Listens to the store's spans and metrics in memory, the way an OpenTelemetry exporter would subscribe. Tests run in
/// parallel and listeners see the whole process, so every query filters by the test's own aggregate type.
/// </summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public TelemetryRecorder()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EventStoreDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EventStoreDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    /// <summary>The finished spans that carry <paramref name="aggregateType"/>.</summary>
    public List<Activity> Spans(string aggregateType) =>
        _spans.Where(span => Equals(span.GetTagItem("eventstore.aggregate_type"), aggregateType)).ToList();

    /// <summary>The finished spans named <paramref name="name"/>, whatever their tags.</summary>
    public List<Activity> SpansNamed(string name) => _spans.Where(span => span.OperationName == name).ToList();

    /// <summary>The measurements of <paramref name="instrument"/> tagged with <paramref name="aggregateType"/>.</summary>
    public List<(double Value, Dictionary<string, object?> Tags)> Measurements(string instrument, string aggregateType) => _measurements
        .Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("eventstore.aggregate_type"), aggregateType))
        .Select(m => (m.Value, m.Tags))
        .ToList();

    /// <summary>The sum of <paramref name="instrument"/>'s measurements tagged with <paramref name="aggregateType"/>.</summary>
    public double Sum(string instrument, string aggregateType) => Measurements(instrument, aggregateType).Sum(m => m.Value);

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copied[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copied));
    }
}
