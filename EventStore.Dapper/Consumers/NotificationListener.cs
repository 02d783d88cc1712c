using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// LISTENs on the store's channel and wakes every worker on each notification. Notifications can be lost (across a
/// reconnect, behind a transaction-pooling proxy), so they only shorten waits; polling stays the guarantee.
/// </summary>
internal sealed class NotificationListener(NpgsqlDataSource dataSource, SqlDialect sql, IReadOnlyList<WakeUp> wakeUps, ILogger logger)
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

    private async Task ListenAsync(Action onListening, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeConnection = connection.ConfigureAwait(false);
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
