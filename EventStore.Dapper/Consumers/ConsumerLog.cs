using Microsoft.Extensions.Logging;

namespace EventStore.Dapper;

/// <summary>The processor's log lines. Consumer names and positions are not personal data; ids and payloads never appear.</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Consumer {Consumer} is now processed by this instance")]
    public static partial void LeaseTaken(ILogger logger, string consumer);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error,
        Message = "Consumer {Consumer} failed on the event at position {Position} of type {EventType}; the batch was rolled back and is retried in {RetryDelay}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string consumer, long position, string eventType, TimeSpan retryDelay);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "Consumer {Consumer} is held at position {SafePosition} by transaction {VirtualTransactionId} of backend {ProcessId} (0: a prepared transaction), running for {Seconds:0} s; it may still write events below position {LastPosition}, so the consumer waits for it to end")]
    public static partial void HeldBack(ILogger logger, string consumer, long safePosition, string virtualTransactionId, int processId, double seconds, long lastPosition);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning,
        Message = "Consumer {Consumer} lost its connection or lease; retrying in {RetryDelay}")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, string consumer, TimeSpan retryDelay);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Listening for notifications on {Channel} failed; polling covers the gap, retrying in {RetryDelay}")]
    public static partial void ListenFailed(ILogger logger, Exception exception, string channel, TimeSpan retryDelay);

    [LoggerMessage(EventId = 106, Level = LogLevel.Critical,
        Message = "The consumer processor stopped every consumer: the event log breaks its assumption '{Assumption}', under which no event can be skipped")]
    public static partial void UnsafeLog(ILogger logger, Exception exception, string assumption);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning,
        Message = "Consumer {Consumer} lost its lease of epoch {Epoch}: another instance took it over, or it was reset; this instance stops processing it, and tries to take it again once the lease is free")]
    public static partial void LeaseLost(ILogger logger, string consumer, long epoch);

    [LoggerMessage(EventId = 108, Level = LogLevel.Critical, Message = "The consumer processor stopped every consumer: it refuses to run behind this pooler as configured")]
    public static partial void Refused(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 109, Level = LogLevel.Information,
        Message = "Not listening on {Channel}: the processor's data source goes through a pooler, which does not deliver notifications, so consumers poll; set ConsumerProcessorOptions.ListenConnectionString to a direct connection to be woken at once")]
    public static partial void NotListeningBehindPooler(ILogger logger, string channel);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning,
        Message = "Not listening on {Channel}: ConsumerProcessorOptions.ListenConnectionString goes through a pooler, which does not deliver notifications, so consumers poll; point it straight at PostgreSQL")]
    public static partial void ListenConnectionBehindPooler(ILogger logger, string channel);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error,
        Message = "Consumer {Consumer}'s batch handler failed on the batch at positions {FirstPosition} to {LastPosition}; the batch was rolled back and is retried in {RetryDelay}")]
    public static partial void BatchHandlerFailed(ILogger logger, Exception exception, string consumer, long firstPosition, long lastPosition, TimeSpan retryDelay);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information,
        Message = "Consumer {Consumer}'s checkpoint was reset (epoch {Epoch}); this instance keeps its advisory lock and reads the checkpoint again")]
    public static partial void CheckpointReset(ILogger logger, string consumer, long epoch);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "Consumer {Consumer}'s checkpoint was moved from {From} to {To}")]
    public static partial void CheckpointMoved(ILogger logger, string consumer, long from, long to);

    [LoggerMessage(EventId = 120, Level = LogLevel.Error,
        Message = "Consumer {Consumer} stopped on the event at position {Position} of type {EventType} after {Attempts} failed attempts; it handles nothing more, on any instance, until ConsumerAdmin.ResumeAsync resumes it once the handler or data is fixed, while other consumers go on")]
    public static partial void Stopped(ILogger logger, Exception exception, string consumer, long position, string eventType, int attempts);

    [LoggerMessage(EventId = 121, Level = LogLevel.Error,
        Message = "Consumer {Consumer} dead-lettered the event at position {Position} of type {EventType} after {Attempts} failed attempts and goes on after it; replay it with ConsumerAdmin.ReplayDeadLettersAsync once the handler is fixed")]
    public static partial void DeadLettered(ILogger logger, string consumer, long position, string eventType, int attempts);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning,
        Message = "Consumer {Consumer} is stopped on the event at position {Position} after {Attempts} failed attempts; this instance holds it without handling anything until ConsumerAdmin.ResumeAsync resumes it")]
    public static partial void FoundStopped(ILogger logger, string consumer, long position, int attempts);

    [LoggerMessage(EventId = 123, Level = LogLevel.Information, Message = "Consumer {Consumer} was resumed and runs again after position {Position}")]
    public static partial void Resumed(ILogger logger, string consumer, long position);

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning,
        Message = "Consumer {Consumer}'s membership heartbeat failed; retrying in {RetryDelay}. Other instances count this instance out once its row expires, and its partitions' leases still guard them")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, string consumer, TimeSpan retryDelay);

    [LoggerMessage(EventId = 131, Level = LogLevel.Information,
        Message = "Partition {Partition} is given up by this instance, which holds more than its fair share while another instance holds less")]
    public static partial void PartitionShed(ILogger logger, string partition);

    [LoggerMessage(EventId = 132, Level = LogLevel.Critical,
        Message = "The consumer processor stopped every consumer: a consumer's checkpoint rows belong to another partition layout than the one declared")]
    public static partial void LayoutRefused(ILogger logger, Exception exception);
}
