using System.Diagnostics;
using Dapper;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// A lease in the consumer's checkpoint row (<see cref="ConsumerLeaseMode.Table"/>); see <see cref="TableLeaseStatement"/>
/// for how the epoch fences a holder that lost it. The holder renews it whenever a third of its duration has passed,
/// so a lease expires only when its holder has stopped for two thirds of it.
/// </summary>
internal sealed class TableLease(
    NpgsqlDataSource dataSource, SqlDialect sql, StatementPreparation preparation, LeaseHolder holder, LogCheck logCheck) : IConsumerLease
{
    private readonly TimeSpan _renewEvery = holder.Duration / 3;
    private long? _epoch;
    private long _renewedAt;

    public async Task<LeaseState> HoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_epoch is { } epoch)
        {
            if (Stopwatch.GetElapsedTime(_renewedAt) >= _renewEvery)
            {
                await RenewAsync(connection, transaction: null, epoch, cancellationToken).ConfigureAwait(false);
            }

            if (logCheck.Due)
            {
                await logCheck.RunAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return LeaseState.Held;
        }

        // Taking the lease writes, so the log is checked first: a standby is refused rather than failing to write. An
        // instance waiting to take over checks it once per check interval, as a holder does.
        if (logCheck.Due)
        {
            await logCheck.RunAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        // A standby tries once per takeover interval, so the checkpoint row is made only when a take finds none.
        var startedAt = Stopwatch.GetTimestamp();
        _epoch = await RunAsync(sql.TableLease.Take(connection, holder), cancellationToken).ConfigureAwait(false);
        if (_epoch is null && await EnsureCheckpointAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            _epoch = await RunAsync(sql.TableLease.Take(connection, holder), cancellationToken).ConfigureAwait(false);
        }

        if (_epoch is null)
        {
            return LeaseState.NotHeld;
        }

        _renewedAt = startedAt;
        return LeaseState.Taken;
    }

    /// <summary>A raised epoch means the lease is gone, taken over or reset, so this throws rather than return false.</summary>
    public bool IsCurrent(long? rowEpoch) => rowEpoch == _epoch ? true : throw Lost(HeldEpoch());

    public Task<CheckpointRow> LockCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        RenewAsync(connection, transaction, HeldEpoch(), cancellationToken);

    public async Task<RecordedFailure> RecordFailureAsync(NpgsqlConnection connection, FailureEntry entry, CancellationToken cancellationToken)
    {
        var epoch = HeldEpoch();
        var recorded = await StoreCommands.RunAsync(sql.ConsumerFailure.Create(connection, holder.ConsumerName, holder.Owner, epoch, entry), preparation, 0,
            static (reader, _, token) => ConsumerFailureStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        return recorded ?? throw Lost(epoch);
    }

    public async Task SaveCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long position, CancellationToken cancellationToken)
    {
        var epoch = HeldEpoch();
        var startedAt = Stopwatch.GetTimestamp();
        var saved = await StoreCommands.RunAsync(sql.TableLease.Save(connection, transaction, holder, epoch, position), preparation, 0,
            static (reader, _, _) => Task.FromResult(reader.RecordsAffected), cancellationToken).ConfigureAwait(false);
        if (saved != 1)
        {
            throw Lost(epoch);
        }

        _renewedAt = startedAt;
    }

    /// <summary>Gives the lease up on a connection of its own, since it runs as the worker stops or after a failure.</summary>
    public async Task ReleaseAsync()
    {
        if (_epoch is not { } epoch)
        {
            return;
        }

        _epoch = null;
        try
        {
            var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await StoreCommands.RunAsync(sql.TableLease.Release(connection, holder, epoch), preparation, 0,
                    static (reader, _, _) => Task.FromResult(reader.RecordsAffected), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception failure) when (failure is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // The server cannot be reached; the lease expires on its own.
        }
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());

    private async Task<CheckpointRow> RenewAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long epoch, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var checkpoint = await StoreCommands.RunAsync(sql.TableLease.Renew(connection, transaction, holder, epoch), preparation, 0,
            static (reader, _, token) => TableLeaseStatement.ReadCheckpointAsync(reader, token), cancellationToken).ConfigureAwait(false);
        if (checkpoint is not { } row)
        {
            throw Lost(epoch);
        }

        _renewedAt = startedAt;
        return row;
    }

    /// <summary>Makes the consumer's checkpoint row; true when there was none.</summary>
    private async Task<bool> EnsureCheckpointAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            sql.EnsureCheckpoint, new ConsumerParameters(holder.ConsumerName), cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;

    private Task<long?> RunAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        StoreCommands.RunAsync(command, preparation, 0, static (reader, _, token) => TableLeaseStatement.ReadAsync(reader, token), cancellationToken);

    private long HeldEpoch() => _epoch ?? throw new InvalidOperationException($"Consumer {holder.ConsumerName}'s lease is used without being held.");

    private LeaseLostException Lost(long epoch)
    {
        _epoch = null;
        return new LeaseLostException(holder.ConsumerName, epoch);
    }
}
