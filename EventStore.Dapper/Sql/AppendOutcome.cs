namespace EventStore.Dapper;

/// <summary>What a row returned by an append statement reports.</summary>
internal enum AppendOutcome
{
    /// <summary>An event this append stored, with its position and version.</summary>
    Appended = 0,

    /// <summary>
    /// An event id of this append that was already stored: the stored event's position, version and aggregate, the
    /// index of the event in the append, and whether type, version, payload and metadata are the same.
    /// </summary>
    AlreadyStored = 1,

    /// <summary>Nothing was stored because the expected version did not match; carries the head version the statement saw.</summary>
    VersionMismatch = 2,

    /// <summary>The notification was queued; carries nothing.</summary>
    Notified = 3,
}
