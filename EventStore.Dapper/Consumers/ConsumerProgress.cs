namespace EventStore.Dapper;

/// <summary>
/// Where a running consumer stands, as its worker last saw it, for the processor's gauges. Written by the worker and
/// read by metric collection on other threads; each value is read whole, and a reading may mix two steps, which a gauge
/// sampled every few seconds tolerates.
/// </summary>
internal sealed class ConsumerProgress(KeyValuePair<string, object?> tag, ConsumerFailureState failures)
{
    public KeyValuePair<string, object?> Tag { get; } = tag;

    /// <summary>The handler's failures on the event after the checkpoint, and whether the consumer stopped on it.</summary>
    public ConsumerFailureState Failures { get; } = failures;

    /// <summary>Whether this instance holds the consumer; only the holder reports it, so instances do not repeat each other.</summary>
    public bool Held { get; set; }

    public long Checkpoint { get; set; }

    public long LastPosition { get; set; }

    /// <summary>When the first event after the checkpoint was stored; null when there is none.</summary>
    public DateTimeOffset? OldestUnhandledAt { get; set; }

    /// <summary>Since when a running transaction has held the safe frontier back; null when none does.</summary>
    public DateTimeOffset? BlockedSince { get; set; }
}
