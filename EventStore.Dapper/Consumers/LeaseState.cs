namespace EventStore.Dapper;

/// <summary>Where an instance stands with a consumer's lease.</summary>
internal enum LeaseState
{
    /// <summary>Another instance processes the consumer.</summary>
    NotHeld,

    /// <summary>This instance has just taken the consumer over.</summary>
    Taken,

    /// <summary>This instance already processed the consumer.</summary>
    Held,
}
