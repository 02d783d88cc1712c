namespace EventStore.Dapper;

/// <summary>
/// A consumer's handler threw. A per-event handler names the event it failed on; a batch handler
/// (<see cref="EventStore.Consumers.IBatchConsumer"/>) fails the whole batch, so no single event is to blame.
/// </summary>
internal sealed class HandlerFailure(PersistedEvent? failedEvent, IReadOnlyList<PersistedEvent> batch, Exception cause)
    : Exception(failedEvent is null
        ? $"The batch handler failed on the batch at positions {batch[0].GlobalPosition} to {batch[^1].GlobalPosition}."
        : $"The handler failed on the event at position {failedEvent.GlobalPosition}.", cause)
{
    /// <summary>The event the handler failed on; null when a batch handler failed on the whole batch.</summary>
    public PersistedEvent? FailedEvent { get; } = failedEvent;

    /// <summary>The batch that was rolled back.</summary>
    public IReadOnlyList<PersistedEvent> Batch { get; } = batch;
}
