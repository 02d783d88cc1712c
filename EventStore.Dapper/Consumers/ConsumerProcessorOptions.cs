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

    /// <summary>
    /// How instances agree on who processes each consumer. <see cref="ConsumerLeaseMode.AdvisoryLock"/>, the default,
    /// needs direct connections; behind PgBouncer in transaction mode use <see cref="ConsumerLeaseMode.Table"/>.
    /// </summary>
    public ConsumerLeaseMode LeaseMode { get; init; } = ConsumerLeaseMode.AdvisoryLock;

    /// <summary>
    /// How long a table lease lasts without renewal (<see cref="ConsumerLeaseMode.Table"/> only); the holder renews it
    /// every third of this, polling at least as often while idle. A dead instance's consumers are taken over within this
    /// plus <see cref="TakeoverInterval"/>. In both modes it is also how long an instance counts as running a partitioned
    /// consumer without a heartbeat, which comes every third of it.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A connection string straight to PostgreSQL, for the one connection that LISTENs for appends' notifications when
    /// the processor's data source goes through a pooler, which does not deliver them. <see langword="null"/> (the
    /// default) listens on the data source when it connects directly, and otherwise relies on polling alone.
    /// </summary>
    public string? ListenConnectionString { get; init; }

    /// <summary>How long a running transaction may hold a consumer back before it is reported.</summary>
    public TimeSpan BlockedWarningAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait before retrying a failed batch; the wait doubles from 100 ms up to this.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times an event may fail before <see cref="PoisonEventHandling"/> applies to it; at least 1. Attempts are
    /// counted in the consumer's checkpoint row, so they add up across instances and restarts. Transient failures
    /// (<see cref="TransientHandlerException"/>, or an Npgsql error that is transient) do not count.
    /// </summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>What happens to an event after <see cref="MaxAttempts"/> failures: the consumer stops (the default), or the event is dead-lettered.</summary>
    public PoisonEventHandling PoisonEventHandling { get; init; } = PoisonEventHandling.Stop;
}
