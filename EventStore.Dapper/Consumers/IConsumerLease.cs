using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// What makes one instance the only one processing a consumer (<see cref="ConsumerLeaseMode"/>), and the checkpoint
/// reads and writes that the lease guards.
/// </summary>
internal interface IConsumerLease : IAsyncDisposable
{
    /// <summary>
    /// Whether this instance holds the lease now, taking it if it is free, and making the consumer's checkpoint row
    /// first if there is none. When it takes the lease, and now and then
    /// after, it also checks what the processor assumes of the log, and throws <see cref="UnsafeEventLogException"/>
    /// when an assumption does not hold.
    /// </summary>
    /// <exception cref="LeaseLostException">Another instance has taken the lease.</exception>
    Task<LeaseState> HoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken);

    /// <summary>Reads the checkpoint row and locks it for the batch that <paramref name="transaction"/> runs.</summary>
    /// <exception cref="LeaseLostException">Another instance has taken the lease.</exception>
    Task<CheckpointRow> LockCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Moves the checkpoint in the batch's transaction.</summary>
    /// <exception cref="LeaseLostException">Another instance has taken the lease.</exception>
    Task SaveCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long position, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the checkpoint row's epoch, as a probe just read it, is still the one this instance works under. A take
    /// by another instance and a reset (<see cref="ConsumerAdmin.ResetAsync"/>) both raise it; after either, this
    /// instance must read the checkpoint again, and a table lease must be taken again.
    /// </summary>
    /// <exception cref="LeaseLostException">A table lease was taken over or cleared.</exception>
    bool IsCurrent(long? rowEpoch);

    /// <summary>
    /// Records a handler failure on the checkpoint row in an autocommitted statement, after the batch rolled back on
    /// <paramref name="connection"/>, only while this instance holds the lease.
    /// </summary>
    /// <exception cref="LeaseLostException">Another instance has taken the lease.</exception>
    Task<RecordedFailure> RecordFailureAsync(NpgsqlConnection connection, FailureEntry entry, CancellationToken cancellationToken);

    /// <summary>Gives the lease up, if this instance holds it, so that another may take it at once.</summary>
    Task ReleaseAsync();
}
