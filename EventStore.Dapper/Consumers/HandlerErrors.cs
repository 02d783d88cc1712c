using Npgsql;

namespace EventStore.Dapper;

/// <summary>Reads a handler's exception: how it counts, and how it is recorded.</summary>
internal static class HandlerErrors
{
    /// <summary>The longest error kept in the checkpoint row and a dead letter, in characters.</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>
    /// The outermost mark in the exception's chain decides, so a handler may wrap a database error either way. An
    /// unmarked Npgsql error that Npgsql calls transient (a lost connection, a deadlock, a serialization failure,
    /// the server short of resources or shutting down) is transient: it says nothing about the event, and counting it
    /// would dead-letter sound events during an outage. Except object_not_in_prerequisite_state, which Npgsql also
    /// calls transient, but which a handler's own statements raise again on every attempt (currval before nextval,
    /// for one).
    /// </summary>
    public static HandlerErrorKind Classify(Exception error)
    {
        for (var current = error; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PermanentHandlerException:
                    return HandlerErrorKind.Permanent;
                case TransientHandlerException:
                    return HandlerErrorKind.Transient;
                case PostgresException { SqlState: PostgresErrorCodes.ObjectNotInPrerequisiteState }:
                    return HandlerErrorKind.Counted;
                case NpgsqlException { IsTransient: true }:
                    return HandlerErrorKind.Transient;
            }
        }

        return HandlerErrorKind.Counted;
    }

    /// <summary>
    /// The exception's type and message, and its causes', cut to <see cref="MaxErrorLength"/>. No stack trace, which
    /// would fill the bound with frames, and nothing of the event: handlers are told not to quote payloads in messages.
    /// </summary>
    public static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var current = error; current is not null; current = current.InnerException)
        {
            parts.Add($"{current.GetType().FullName}: {current.Message}");
        }

        var text = string.Join(" ---> ", parts);
        return text.Length <= MaxErrorLength ? text : text[..(MaxErrorLength - 1)] + "…";
    }
}
