namespace EventStore.Tests.Soak;

/// <summary>When a soak operation's token is cancelled.</summary>
internal enum CancellationMode
{
    /// <summary>Never.</summary>
    None,

    /// <summary>After the transaction began and before the store is called, so the store sees a cancelled token.</summary>
    Before,

    /// <summary>After a random delay of a few milliseconds, so it lands at any point of the operation, or after it.</summary>
    During,
}
