namespace EventStore.Dapper;

/// <summary>A consumer's handler threw on an event; carries the event so the failure can be reported precisely.</summary>
internal sealed class HandlerFailure(PersistedEvent failedEvent, Exception cause)
    : Exception($"The handler failed on the event at position {failedEvent.GlobalPosition}.", cause)
{
    public PersistedEvent FailedEvent { get; } = failedEvent;
}
