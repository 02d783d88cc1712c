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

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "eventstore.consumer.dead_letters", "{event}", "Events a consumer gave up on and recorded as dead letters, with the checkpoint moved past them.");

    public static readonly Counter<long> Stops = Meter.CreateCounter<long>(
        "eventstore.consumer.stops", "{stop}", "Times a consumer stopped on a poison event, until resumed.");
}
