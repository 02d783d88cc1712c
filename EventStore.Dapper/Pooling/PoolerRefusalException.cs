namespace EventStore.Dapper;

/// <summary>
/// A setup that the store or the processor refuses because of a pooler between it and PostgreSQL; the message names
/// the fix. Callers see an <see cref="InvalidOperationException"/>; the processor stops every consumer on it instead of
/// retrying, since no retry can succeed.
/// </summary>
internal sealed class PoolerRefusalException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException)
{
    /// <summary>The refusal of advisory-lock leases on connections that go through a pooler.</summary>
    public static PoolerRefusalException AdvisoryLockBehindPooler(string consumerName) => new(
        $"Consumer {consumerName} cannot be leased with an advisory lock: the processor's connections go through a pooler, " +
        "such as PgBouncer, and an advisory lock belongs to one server session, which a pooler in transaction mode hands " +
        "to other clients between transactions. Two instances could then both run the consumer, and a lock left in a " +
        "pooled session could block every instance. Fix: set ConsumerProcessorOptions.LeaseMode to ConsumerLeaseMode.Table, " +
        "or give the processor a data source that connects to PostgreSQL directly.");
}
