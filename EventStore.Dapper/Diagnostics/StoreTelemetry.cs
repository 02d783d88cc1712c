using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EventStore.Dapper;

/// <summary>
/// The spans and metrics of appends and reads (see <see cref="EventStoreDiagnostics"/>). Every tag is set only on a
/// span something listens to, and every measurement goes to instruments that drop it when nothing listens.
/// </summary>
internal static class StoreTelemetry
{
    public const string Appended = "appended";
    public const string Retried = "retried";
    public const string Conflict = "conflict";
    public const string Duplicate = "duplicate";
    public const string Error = "error";

    private const string AggregateTypeTag = "eventstore.aggregate_type";
    private const string AggregateIdTag = "eventstore.aggregate_id";
    private const string EventCountTag = "eventstore.event_count";
    private const string OutcomeTag = "eventstore.outcome";

    private static readonly string? Version = typeof(StoreTelemetry).Assembly.GetName().Version?.ToString();

    private static readonly ActivitySource Source = new(EventStoreDiagnostics.ActivitySourceName, Version);

    private static readonly Meter Meter = new(EventStoreDiagnostics.MeterName, Version);

    private static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>(
        "eventstore.events.appended", "{event}", "Events stored by appends; a recognised retry stores none.");

    private static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>(
        "eventstore.append.duration", "s", "Time an append took, from its statement being sent to its outcome being known.");

    private static readonly Counter<long> Conflicts = Meter.CreateCounter<long>(
        "eventstore.append.conflicts", "{append}", "Appends refused because the aggregate was not at the expected version.");

    private static readonly Counter<long> Duplicates = Meter.CreateCounter<long>(
        "eventstore.append.duplicates", "{append}", "Appends refused because an event id was already stored by another append.");

    private static readonly Counter<long> EventsRead = Meter.CreateCounter<long>(
        "eventstore.events.read", "{event}", "Events returned by stream and global log reads.");

    private static readonly Gauge<long> PartitionsAheadGauge = Meter.CreateGauge<long>(
        "eventstore.partitions.ahead", "{partition}",
        "Partitions of a partitioned events table beyond the one holding the last appended position, as last checked.");

    /// <summary>Records how many partitions remain ahead, tagged with the events table.</summary>
    public static void PartitionsAhead(long ahead, string eventsTable) =>
        PartitionsAheadGauge.Record(ahead, new KeyValuePair<string, object?>("eventstore.events_table", eventsTable));

    public static Activity? StartAppend(Event first, int eventCount, ExpectedVersion expectedVersion, bool recordAggregateIds)
    {
        var activity = Source.StartActivity("eventstore.append");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "postgresql");
            activity.SetTag(AggregateTypeTag, first.AggregateType);
            activity.SetTag(EventCountTag, eventCount);
            activity.SetTag("eventstore.expected_version", expectedVersion.ToString());
            if (recordAggregateIds)
            {
                activity.SetTag(AggregateIdTag, first.AggregateId);
            }
        }

        return activity;
    }

    public static Activity? StartRead(string name, string? aggregateType, string? aggregateId, bool recordAggregateIds)
    {
        var activity = Source.StartActivity(name);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "postgresql");
            if (aggregateType is not null)
            {
                activity.SetTag(AggregateTypeTag, aggregateType);
            }

            if (recordAggregateIds && aggregateId is not null)
            {
                activity.SetTag(AggregateIdTag, aggregateId);
            }
        }

        return activity;
    }

    /// <summary>Classifies a failed append: a refusal the caller can handle, or an error.</summary>
    public static AppendOutcome Classify(Exception failure) => failure switch
    {
        OptimisticConcurrencyException => AppendOutcome.Conflict,
        DuplicateEventException => AppendOutcome.Duplicate,
        _ => AppendOutcome.Error,
    };

    /// <summary>Records how an append ended on its span and in the metrics.</summary>
    /// <param name="activity">The append's span, if anything listens.</param>
    /// <param name="aggregateType">The aggregate type, the metrics' only tag besides the outcome.</param>
    /// <param name="eventCount">The events in the append.</param>
    /// <param name="outcome">How it ended.</param>
    /// <param name="failure">The exception, unless it succeeded.</param>
    /// <param name="startedAt">When its statement was sent, as a <see cref="Stopwatch"/> timestamp.</param>
    public static void AppendEnded(Activity? activity, string aggregateType, int eventCount, AppendOutcome outcome, Exception? failure, long startedAt)
    {
        var name = Name(outcome);
        var tag = new KeyValuePair<string, object?>(AggregateTypeTag, aggregateType);
        if (AppendDuration.Enabled)
        {
            AppendDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tag, new KeyValuePair<string, object?>(OutcomeTag, name));
        }

        switch (outcome)
        {
            case AppendOutcome.Appended:
                EventsAppended.Add(eventCount, tag);
                break;
            case AppendOutcome.Conflict:
                Conflicts.Add(1, tag);
                break;
            case AppendOutcome.Duplicate:
                Duplicates.Add(1, tag);
                break;
        }

        if (failure is null)
        {
            activity?.SetTag(OutcomeTag, name);
        }
        else
        {
            Failed(activity, failure, name);
        }
    }

    public static void ReadSucceeded(Activity? activity, string? aggregateType, int eventCount)
    {
        if (EventsRead.Enabled)
        {
            if (aggregateType is null)
            {
                EventsRead.Add(eventCount);
            }
            else
            {
                EventsRead.Add(eventCount, new KeyValuePair<string, object?>(AggregateTypeTag, aggregateType));
            }
        }

        activity?.SetTag(EventCountTag, eventCount);
    }

    public static void Failed(Activity? activity, Exception error, string outcome = Error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome);
        activity.SetTag("error.type", error.GetType().FullName);
        // A refused append is an answer, not a fault of the store; only other failures mark the span as an error.
        if (outcome == Error)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        }
    }

    private static string Name(AppendOutcome outcome) => outcome switch
    {
        AppendOutcome.Appended => Appended,
        AppendOutcome.Retried => Retried,
        AppendOutcome.Conflict => Conflict,
        AppendOutcome.Duplicate => Duplicate,
        _ => Error,
    };
}
