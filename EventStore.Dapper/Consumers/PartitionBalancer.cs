using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// This instance's part in sharing one partitioned consumer: it keeps the instance's membership row alive, learns how
/// many instances run the consumer, and decides for the partitions' leases whether to take a free partition or give
/// one up. Fair share is the partition count divided by the live instances, rounded up.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><description>Below its share, the instance takes free partitions at once.</description></item>
/// <item><description>At or above it, a partition must have stayed free for <see cref="FreeFor"/> first: a newcomer,
/// below its share, gets it meanwhile, and an orphan is still adopted.</description></item>
/// <item><description>Above it, and only while another live instance is below its own, the instance gives partitions
/// up between batches until it is at its share. A partition taken as an orphan is therefore kept while nobody needs
/// it, and shares agree within a heartbeat, so partitions do not flap.</description></item>
/// </list>
/// The reservations are made under one lock, so the partitions of one instance never take more than its share
/// between them.
/// </remarks>
internal sealed class PartitionBalancer(
    NpgsqlDataSource dataSource, SqlDialect sql, StatementPreparation preparation, string consumer, int count, string owner,
    ConsumerProcessorOptions options, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly HashSet<int> _held = [];
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _share;
    private bool _anotherBelowShare;

    public string Consumer => consumer;

    /// <summary>
    /// How long a partition must stay free before an instance at its share adopts it. A worker without its partition
    /// looks again after a takeover interval and a poll at most, so an instance below its share gets two looks first.
    /// </summary>
    public TimeSpan FreeFor => (options.TakeoverInterval + options.MaxPollInterval) * 2;

    /// <summary>How long a membership row counts as alive without a heartbeat; the heartbeat comes every third of it.</summary>
    private TimeSpan Expiry => options.LeaseDuration;

    /// <summary>Completes once the first heartbeat has told the instance how many others run the consumer.</summary>
    public Task WaitJoinedAsync(CancellationToken cancellationToken) => _joined.Task.WaitAsync(cancellationToken);

    /// <summary>Beats until <paramref name="cancellationToken"/> is cancelled, then removes the membership row.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await BeatAsync(cancellationToken).ConfigureAwait(false);
                    await Task.Delay(Expiry / 3, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Without a heartbeat the row expires and the others count this instance out; the leases still guard every partition.
                    ConsumerLog.HeartbeatFailed(logger, failure, consumer, options.TakeoverInterval);
                    await DelayAsync(options.TakeoverInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await LeaveAsync().ConfigureAwait(false);
    }

    /// <summary>Reserves a place for a partition if the instance is below its share.</summary>
    public bool TryReserve(int partition)
    {
        lock (_lock)
        {
            return _held.Count < _share && _held.Add(partition);
        }
    }

    /// <summary>Reserves a place for a partition that has stayed free for <see cref="FreeFor"/>, whatever the share.</summary>
    public void Adopt(int partition)
    {
        lock (_lock)
        {
            _held.Add(partition);
        }
    }

    /// <summary>Gives the place of a held partition up if the instance is above its share and another instance needs it.</summary>
    public bool TryShed(int partition)
    {
        lock (_lock)
        {
            return _held.Count > _share && _anotherBelowShare && _held.Remove(partition);
        }
    }

    /// <summary>Forgets a partition that is not, or no longer, held.</summary>
    public void Drop(int partition)
    {
        lock (_lock)
        {
            _held.Remove(partition);
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        int held;
        lock (_lock)
        {
            held = _held.Count;
        }

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var (others, fewestHeld) = await StoreCommands.RunAsync(sql.PartitionMembers.Beat(connection, consumer, owner, held, Expiry), preparation, 0,
                static (reader, _, token) => PartitionMembersStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
            var share = (count + others) / (others + 1);
            lock (_lock)
            {
                _share = share;
                _anotherBelowShare = fewestHeld < share;
            }
        }

        _joined.TrySetResult();
    }

    /// <summary>Removes the row on a connection of its own, as the processor stops; if that fails, the row expires.</summary>
    private async Task LeaveAsync()
    {
        try
        {
            var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await StoreCommands.RunAsync(sql.PartitionMembers.Leave(connection, consumer, owner), preparation, 0,
                    static (reader, _, _) => Task.FromResult(reader.RecordsAffected), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception failure) when (failure is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // The server cannot be reached; the row expires on its own.
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; the loop sees the token.
        }
    }
}
