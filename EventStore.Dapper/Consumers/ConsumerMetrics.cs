using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EventStore.Dapper;

/// <summary>The processor's metrics, under the meter <see cref="EventStoreDiagnostics.ConsumerMeterName"/>.</summary>
internal static class ConsumerMetrics
{
    public static readonly Meter Meter = new(EventStoreDiagnostics.ConsumerMeterName);

    public static readonly Counter<long> EventsHandled = Meter.CreateCounter<long>(
        "eventstore.consumer.events_handled", "{event}", "Events handled and committed with the consumer's checkpoint.");

    public static readonly Histogram<double> HeldBackSeconds = Meter.CreateHistogram<double>(
        "eventstore.consumer.held_back", "s", "How long a running transaction has held a consumer's safe frontier back, sampled per poll.");

    public static readonly Counter<long> BatchFailures = Meter.CreateCounter<long>(
        "eventstore.consumer.batch_failures", "{batch}", "Batches rolled back because a handler or the connection failed.");

    // The consumers this process runs, keyed by their progress object, so that two processors may run at once.
    private static readonly ConcurrentDictionary<ConsumerProgress, bool> Running = new();

    static ConsumerMetrics()
    {
        Meter.CreateObservableGauge("eventstore.consumer.checkpoint", () => Held(progress => progress.Checkpoint), "{position}",
            "The position up to which the consumer has handled the log, reported by the instance holding it.");
        Meter.CreateObservableGauge("eventstore.consumer.lag", () => Held(progress => Math.Max(0, progress.LastPosition - progress.Checkpoint)), "{position}",
            "Positions taken after the consumer's checkpoint: events not yet handled, and gaps left by rolled-back appends.");
        Meter.CreateObservableGauge("eventstore.consumer.lag_time", () => Held(progress => SecondsSince(progress.OldestUnhandledAt)), "s",
            "How long ago the oldest event the consumer has not yet handled was stored; 0 when it has handled them all.");
        Meter.CreateObservableGauge("eventstore.consumer.blocked", () => Held(progress => SecondsSince(progress.BlockedSince)), "s",
            "How long a running transaction has held the consumer's safe frontier back; 0 when none does.");
        Meter.CreateObservableGauge("eventstore.consumer.failed_attempts", () => Held(progress => progress.Failures.Attempts), "{attempt}",
            "Failed attempts at the event after the consumer's checkpoint; 0 when its handler is not failing.");
        Meter.CreateObservableGauge("eventstore.consumer.stopped", () => Held(progress => progress.Failures.Stopped ? 1 : 0), "{consumer}",
            "1 while the consumer is stopped on a poison event and waits to be resumed, else 0.");
    }

    /// <summary>Reports <paramref name="progress"/> in the gauges until the returned handle is disposed.</summary>
    public static IDisposable Track(ConsumerProgress progress)
    {
        Running[progress] = true;
        return new Untrack(progress);
    }

    private static List<Measurement<T>> Held<T>(Func<ConsumerProgress, T> read)
        where T : struct =>
        Running.Keys.Where(progress => progress.Held).Select(progress => new Measurement<T>(read(progress), progress.Tag)).ToList();

    private static double SecondsSince(DateTimeOffset? since) =>
        since is { } at ? Math.Max(0, (DateTimeOffset.UtcNow - at).TotalSeconds) : 0;

    private sealed class Untrack(ConsumerProgress progress) : IDisposable
    {
        public void Dispose() => Running.TryRemove(progress, out _);
    }

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "eventstore.consumer.dead_letters", "{event}", "Events a consumer gave up on and recorded as dead letters, with the checkpoint moved past them.");

    public static readonly Counter<long> Stops = Meter.CreateCounter<long>(
        "eventstore.consumer.stops", "{stop}", "Times a consumer stopped on a poison event, until resumed.");
}
