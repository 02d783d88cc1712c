namespace EventStore.Dapper;

/// <summary>How instances of a <see cref="ConsumerProcessor"/> agree that one of them processes a consumer.</summary>
public enum ConsumerLeaseMode
{
    /// <summary>
    /// A session advisory lock, held on a connection of its own for as long as the instance runs the consumer. A dead
    /// instance's lock goes with its session, and a clean stop frees it at once. It needs each connection to be one
    /// server session, so it is refused behind a pooler; use <see cref="Table"/> there.
    /// </summary>
    AdvisoryLock,

    /// <summary>
    /// A lease in the consumer's checkpoint row: the holder, an epoch that every takeover raises, and an expiry that
    /// the holder keeps extending. It holds no session state, so it works behind PgBouncer in transaction mode. The
    /// epoch is checked in the batch's transaction, so an instance that lost the lease can never commit a batch. A dead
    /// instance's consumer is taken over once its lease expires (<see cref="ConsumerProcessorOptions.LeaseDuration"/>).
    /// </summary>
    Table,
}
