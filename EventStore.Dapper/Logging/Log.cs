using Microsoft.Extensions.Logging;

namespace EventStore.Dapper;

/// <summary>
/// The store's log lines. Aggregate ids and payloads can be personal data, so they never appear here;
/// every line is Debug, and costs a level check when Debug is off.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "Appended {EventCount} events to a {AggregateType} aggregate, moving it from version {FromVersion} to {ToVersion}, at positions {FromPosition}-{ToPosition}")]
    public static partial void Appended(ILogger logger, int eventCount, string aggregateType, long fromVersion, long toVersion, long fromPosition, long toPosition);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug,
        Message = "Append to a {AggregateType} aggregate expected {ExpectedVersion} but found version {ActualVersion} (null: not known)")]
    public static partial void VersionConflict(ILogger logger, string aggregateType, ExpectedVersion expectedVersion, long? actualVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug,
        Message = "Append to a {AggregateType} aggregate carried event id {EventId}, which is already stored")]
    public static partial void DuplicateEvent(ILogger logger, string aggregateType, Guid eventId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug,
        Message = "Append of {EventCount} events to a {AggregateType} aggregate was a retry of the append that moved it from version {FromVersion} to {ToVersion}; nothing was stored")]
    public static partial void RetryRecognized(ILogger logger, int eventCount, string aggregateType, long fromVersion, long toVersion);
}
