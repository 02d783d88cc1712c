using System.Diagnostics;
using Dapper;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// The session-level advisory lock that makes one instance the only one processing a consumer. It lives as long as
/// its session, so an instance that dies, or loses its connection, frees the consumer for another.
/// </summary>
internal sealed class ConsumerLease(
    NpgsqlDataSource dataSource, SqlDialect sql, string consumerName, TimeSpan checkInterval, bool prepare) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;
    private bool _held;
    private long _checkedAt;

    /// <summary>
    /// Whether this instance holds the lease now, taking it if it is free; a dead connection drops it and throws. When
    /// it takes the lease, and at every check after, it also checks what the processor assumes of the log, and throws
    /// <see cref="UnsafeEventLogException"/> when an assumption does not hold.
    /// </summary>
    public async Task<LeaseState> HoldAsync(CancellationToken cancellationToken)
    {
        _connection ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held)
            {
                // The lock lasts as long as the session, so a live connection means it is still ours. Checking as often
                // as a standby tries to take over is enough: the checkpoint row lock guards each batch in between.
                if (Stopwatch.GetElapsedTime(_checkedAt) >= checkInterval)
                {
                    await CheckLogAsync(_connection, cancellationToken).ConfigureAwait(false);
                }

                return LeaseState.Held;
            }

            _held = await _connection.ExecuteScalarAsync<bool>(
                new CommandDefinition(sql.TryLease, new ConsumerParameters(consumerName), cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (!_held)
            {
                return LeaseState.NotHeld;
            }

            await CheckLogAsync(_connection, cancellationToken).ConfigureAwait(false);
            return LeaseState.Taken;
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

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
        await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
    }

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

    private async Task CheckLogAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var facts = await StoreCommands.RunAsync(sql.LogFacts.Create(connection), prepare, 0,
            static (reader, _, token) => LogFactsStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        _checkedAt = Stopwatch.GetTimestamp();
        facts.ThrowIfUnsafe();
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());
}
