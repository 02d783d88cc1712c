using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// LISTENs on the store's channel and wakes every worker on each notification. Notifications can be lost (across a
/// reconnect), so they only shorten waits; polling stays the guarantee. A pooler in transaction mode delivers none, so
/// behind one the listener gives up at once and says so.
/// </summary>
/// <param name="dataSource">Where the listening connection comes from.</param>
/// <param name="dedicated">Whether <paramref name="dataSource"/> is the one made from <see cref="ConsumerProcessorOptions.ListenConnectionString"/>.</param>
/// <param name="sql">The LISTEN statement.</param>
/// <param name="wakeUps">One per worker.</param>
/// <param name="logger">Where failures go.</param>
internal sealed class NotificationListener(NpgsqlDataSource dataSource, bool dedicated, SqlDialect sql, IReadOnlyList<WakeUp> wakeUps, ILogger logger)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retryDelay = FirstRetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => retryDelay = FirstRetryDelay, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception failure) when (failure is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                ConsumerLog.ListenFailed(logger, failure, sql.NotifyChannel!, retryDelay);
                try
                {
                    await Task.Delay(retryDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Listens until the connection fails, which throws, or returns at once behind a pooler.</summary>
    private async Task ListenAsync(Action onListening, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeConnection = connection.ConfigureAwait(false);
        if (await BackendProcessStatement.IsBehindPoolerAsync(connection, transaction: null, cancellationToken).ConfigureAwait(false))
        {
            if (dedicated)
            {
                ConsumerLog.ListenConnectionBehindPooler(logger, sql.NotifyChannel!);
            }
            else
            {
                ConsumerLog.NotListeningBehindPooler(logger, sql.NotifyChannel!);
            }

            return;
        }

        connection.Notification += (_, _) => WakeAll();
        var listen = new NpgsqlCommand(sql.Listen, connection);
        await using (listen.ConfigureAwait(false))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        onListening();
        // Anything committed while no one listened would otherwise wait for the next poll.
        WakeAll();
        while (true)
        {
            await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void WakeAll()
    {
        foreach (var wakeUp in wakeUps)
        {
            wakeUp.Signal();
        }
    }
}
