using Dapper;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// The session-level advisory lock that makes one instance the only one processing a consumer
/// (<see cref="ConsumerLeaseMode.AdvisoryLock"/>). It lives as long as its session, so an instance that dies, or loses
/// its connection, frees the consumer for another; each batch also locks the checkpoint row, so two batches of one
/// consumer never overlap even while a lock changes hands.
/// </summary>
internal sealed class AdvisoryLockLease(
    NpgsqlDataSource dataSource, SqlDialect sql, StatementPreparation preparation, string consumerName, LogCheck logCheck) : IConsumerLease
{
    private NpgsqlConnection? _connection;
    private bool _held;

    // The checkpoint row's epoch as first seen under this lock; null until then.
    private long? _epoch;

    public async Task<LeaseState> HoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is null)
            {
                _connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (await BackendProcessStatement.IsBehindPoolerAsync(_connection, transaction: null, cancellationToken).ConfigureAwait(false))
                {
                    throw PoolerRefusalException.AdvisoryLockBehindPooler(consumerName);
                }
            }

            if (_held)
            {
                // The lock lasts as long as the session, so a live connection means it is still ours. Checking as often
                // as a standby tries to take over is enough: the checkpoint row lock guards each batch in between.
                if (logCheck.Due)
                {
                    await logCheck.RunAsync(_connection, cancellationToken).ConfigureAwait(false);
                }

                return LeaseState.Held;
            }

            _held = await _connection.ExecuteScalarAsync<bool>(
                new CommandDefinition(sql.TryLease, new ConsumerParameters(consumerName), cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (!_held)
            {
                return LeaseState.NotHeld;
            }

            // Checked before the checkpoint row is written, so that a standby is refused rather than failing to write.
            await logCheck.RunAsync(_connection, cancellationToken).ConfigureAwait(false);
            await _connection.ExecuteAsync(new CommandDefinition(
                sql.EnsureCheckpoint, new ConsumerParameters(consumerName), cancellationToken: cancellationToken)).ConfigureAwait(false);
            return LeaseState.Taken;
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The lock is the lease, so a raised epoch means a reset: the lock stays, and the epoch is remembered.</summary>
    public bool IsCurrent(long? rowEpoch)
    {
        var current = _epoch is null || _epoch == rowEpoch;
        _epoch = rowEpoch;
        return current;
    }

    public async Task<CheckpointRow> LockCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var (position, failedPosition, failedAttempts, stopped) = await connection.QuerySingleAsync<(long, long?, int, bool)>(new CommandDefinition(
            sql.LockCheckpoint, new ConsumerParameters(consumerName), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new CheckpointRow(position, failedPosition, failedAttempts, stopped);
    }

    /// <summary>Runs on the session that holds the lock, which proves it is still held: were the session gone, so would the lock be.</summary>
    public async Task<RecordedFailure> RecordFailureAsync(NpgsqlConnection connection, FailureEntry entry, CancellationToken cancellationToken)
    {
        var lockSession = _held && _connection is not null
            ? _connection
            : throw new InvalidOperationException($"Consumer {consumerName}'s failure is recorded without holding its lock.");
        var recorded = await StoreCommands.RunAsync(sql.ConsumerFailure.Create(lockSession, consumerName, owner: null, epoch: 0, entry), preparation, 0,
            static (reader, _, token) => ConsumerFailureStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        return recorded ?? throw new InvalidOperationException($"Consumer {consumerName}'s checkpoint row is gone.");
    }

    public async Task SaveCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long position, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            sql.SaveCheckpoint, new ConsumerParameters(consumerName, toPosition: position), transaction, cancellationToken: cancellationToken))
            .ConfigureAwait(false);

    public async Task ReleaseAsync()
    {
        if (_connection is null)
        {
            return;
        }

        if (_held)
        {
            await UnlockAsync(_connection).ConfigureAwait(false);
        }

        _held = false;
        _epoch = null;
        await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());

    /// <summary>
    /// A closed pooled connection keeps its session, and with it the lock, until the pool reuses or drops it; so the
    /// lock is released explicitly. If that fails the connection is broken, and its session, and lock, end with it.
    /// </summary>
    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql.ReleaseLease, new ConsumerParameters(consumerName)))
                .ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // Nothing more to do: see above.
        }
    }
}
