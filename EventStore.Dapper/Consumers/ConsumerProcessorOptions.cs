namespace EventStore.Dapper;

/// <summary>How a <see cref="ConsumerProcessor"/> reads, waits, retries and shares consumers between instances.</summary>
public sealed record ConsumerProcessorOptions
{
    /// <summary>Table names, the NOTIFY channel to listen on (null: polling only), and the logger.</summary>
    public EventStoreOptions Store { get; init; } = EventStoreOptions.Default;

    /// <summary>The most events handled in one transaction.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>The shortest wait between polls; polling slows down from here while nothing happens.</summary>
    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest wait between polls. Bounds how late an event is seen when a notification is lost.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an instance that does not run a consumer tries to take it over; bounds failover time.</summary>
    public TimeSpan TakeoverInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a running transaction may hold a consumer back before it is reported.</summary>
    public TimeSpan BlockedWarningAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait before retrying a failed batch; the wait doubles from 100 ms up to this.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}
