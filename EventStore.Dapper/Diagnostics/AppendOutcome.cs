namespace EventStore.Dapper;

/// <summary>How an append ended, decided once and reported alike to the log, the span and the metrics.</summary>
internal enum AppendOutcome
{
    /// <summary>The events were stored.</summary>
    Appended,

    /// <summary>The append repeated one already stored, and got its result back; nothing was stored.</summary>
    Retried,

    /// <summary>The aggregate was not at the expected version.</summary>
    Conflict,

    /// <summary>An event id was already stored by another append.</summary>
    Duplicate,

    /// <summary>Anything else: a broken connection, a cancellation, a server error.</summary>
    Error,
}
