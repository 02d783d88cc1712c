using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Translates the server errors that mean a concurrency conflict or a duplicate event, recognised by SQLSTATE and
/// constraint name, never by message text.
/// </summary>
internal static class PostgresErrors
{
    public static EventStoreException? Translate(PostgresException error, IReadOnlyList<Event> events, ExpectedVersion expectedVersion, SqlDialect sql)
    {
        var first = events[0];
        return error.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation when error.ConstraintName == sql.EventIdConstraint =>
                ConcurrentDuplicate(events, error),
            PostgresErrorCodes.UniqueViolation when error.ConstraintName == sql.AggregateVersionConstraint =>
                new OptimisticConcurrencyException(first.AggregateType, first.AggregateId, expectedVersion, actualVersion: null, error),
            // Under REPEATABLE READ or SERIALIZABLE a head row moved by a concurrent append cannot be updated. With a
            // version check that is a conflict; with Any it is an ordinary serialization failure, for the caller to retry.
            PostgresErrorCodes.SerializationFailure when !expectedVersion.IsAny =>
                new OptimisticConcurrencyException(first.AggregateType, first.AggregateId, expectedVersion, actualVersion: null, error),
            _ => null,
        };
    }

    /// <summary>
    /// Another transaction stored one of the ids after this statement's snapshot was taken. The server's detail, which
    /// would name it, is redacted unless the connection string asks for it, so a batch of several cannot say which one.
    /// </summary>
    private static DuplicateEventException ConcurrentDuplicate(IReadOnlyList<Event> events, PostgresException error)
    {
        var first = events[0];
        if (events.Count == 1)
        {
            return new DuplicateEventException(first.EventId,
                $"Event id {first.EventId} was stored by a concurrent transaction, so this append to {first.AggregateType}/{first.AggregateId} stored nothing.",
                error);
        }

        return new DuplicateEventException(Guid.Empty,
            $"One of the {events.Count} event ids of this append to {first.AggregateType}/{first.AggregateId} was stored by a concurrent transaction, so this append stored nothing: " +
            string.Join(", ", events.Select(@event => @event.EventId)),
            error);
    }
}
