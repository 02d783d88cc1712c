using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// The lease of one partition: the lease mode's own lease on the partition's checkpoint row, taken and kept only as
/// the instance's <see cref="PartitionBalancer"/> allows, so that the instances running the consumer share its
/// partitions. Giving a partition up happens in <see cref="HoldAsync"/>, which the worker calls between batches only.
/// </summary>
internal sealed class PartitionLease(
    IConsumerLease lease, ConsumerPartition partition, string rowName, SqlDialect sql, StatementPreparation preparation, ConsumerLeaseMode mode,
    ILogger logger) : IConsumerLease
{
    private bool _held;
    private long? _freeSince;

    public async Task<LeaseState> HoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var balancer = partition.Balancer;
        await balancer.WaitJoinedAsync(cancellationToken).ConfigureAwait(false);
        if (_held)
        {
            if (!balancer.TryShed(partition.Index))
            {
                return await TrackAsync(lease.HoldAsync(connection, cancellationToken)).ConfigureAwait(false);
            }

            _held = false;
            await lease.ReleaseAsync().ConfigureAwait(false);
            ConsumerLog.PartitionShed(logger, rowName);
            return LeaseState.NotHeld;
        }

        if (!await IsFreeAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            _freeSince = null;
            return LeaseState.NotHeld;
        }

        _freeSince ??= Stopwatch.GetTimestamp();
        if (!balancer.TryReserve(partition.Index))
        {
            if (Stopwatch.GetElapsedTime(_freeSince.Value) < balancer.FreeFor)
            {
                return LeaseState.NotHeld;
            }

            balancer.Adopt(partition.Index);
        }

        return await TrackAsync(lease.HoldAsync(connection, cancellationToken)).ConfigureAwait(false);
    }

    public bool IsCurrent(long? rowEpoch) => Guard(() => lease.IsCurrent(rowEpoch));

    public Task<CheckpointRow> LockCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        GuardAsync(lease.LockCheckpointAsync(connection, transaction, cancellationToken));

    public Task<RecordedFailure> RecordFailureAsync(NpgsqlConnection connection, FailureEntry entry, CancellationToken cancellationToken) =>
        GuardAsync(lease.RecordFailureAsync(connection, entry, cancellationToken));

    public Task SaveCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long position, CancellationToken cancellationToken) =>
        GuardAsync(lease.SaveCheckpointAsync(connection, transaction, position, cancellationToken));

    public Task ReleaseAsync()
    {
        Forget();
        return lease.ReleaseAsync();
    }

    public ValueTask DisposeAsync()
    {
        Forget();
        return lease.DisposeAsync();
    }

    /// <summary>Follows the lease mode's answer; a partition it does not hold gives its reserved place back.</summary>
    private async Task<LeaseState> TrackAsync(Task<LeaseState> holding)
    {
        LeaseState state;
        try
        {
            state = await holding.ConfigureAwait(false);
        }
        catch
        {
            Forget();
            throw;
        }

        if (state == LeaseState.NotHeld)
        {
            Forget();
            // Another instance took it first; an advisory lease would otherwise keep a connection open while it waits.
            await lease.ReleaseAsync().ConfigureAwait(false);
            return state;
        }

        _held = true;
        _freeSince = null;
        return state;
    }

    /// <summary>A lost lease gives the partition's reserved place back before the loss reaches the worker.</summary>
    private async Task GuardAsync(Task leaseCall)
    {
        try
        {
            await leaseCall.ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            Forget();
            throw;
        }
    }

    private async Task<T> GuardAsync<T>(Task<T> leaseCall)
    {
        await GuardAsync((Task)leaseCall).ConfigureAwait(false);
        return await leaseCall.ConfigureAwait(false);
    }

    private T Guard<T>(Func<T> use)
    {
        try
        {
            return use();
        }
        catch (LeaseLostException)
        {
            Forget();
            throw;
        }
    }

    private async Task<bool> IsFreeAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await StoreCommands.RunAsync(sql.PartitionFree.Create(connection, mode, rowName), preparation, 0,
            static (reader, _, token) => PartitionFreeStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);

    private void Forget()
    {
        _held = false;
        partition.Balancer.Drop(partition.Index);
    }
}
