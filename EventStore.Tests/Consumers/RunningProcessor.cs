using EventStore.Consumers;
using EventStore.Dapper;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>
/// A <see cref="ConsumerProcessor"/> running on a thread-pool task, standing for one instance of an application. It has
/// a data source of its own whose application name is <see cref="Instance"/>, so the <c>seen</c> table and
/// <c>pg_stat_activity</c> show which instance did what.
/// </summary>
internal sealed class RunningProcessor : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly bool _ownsDataSource;

    private RunningProcessor(
        string instance, NpgsqlDataSource dataSource, bool ownsDataSource, ConsumerProcessorOptions options, IReadOnlyList<IConsumer> consumers)
    {
        Instance = instance;
        DataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        Consumers = consumers;
        var processor = new ConsumerProcessor(dataSource, consumers, options);
        Run = Task.Run(() => processor.RunAsync(_stop.Token));
    }

    public string Instance { get; }

    public NpgsqlDataSource DataSource { get; }

    public IReadOnlyList<IConsumer> Consumers { get; }

    /// <summary>The task of <see cref="ConsumerProcessor.RunAsync"/>.</summary>
    public Task Run { get; }

    public static RunningProcessor Start(string connectionString, string instance, ConsumerProcessorOptions options, IReadOnlyList<IConsumer> consumers)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = instance };
        return new RunningProcessor(instance, NpgsqlDataSource.Create(builder.ConnectionString), ownsDataSource: true, options, consumers);
    }

    /// <summary>Starts a new processor in the same instance, on the data source of <paramref name="stopped"/>, as an application restarting only its processor would.</summary>
    public static RunningProcessor Restart(RunningProcessor stopped, ConsumerProcessorOptions options, IReadOnlyList<IConsumer> consumers) =>
        new(stopped.Instance, stopped.DataSource, ownsDataSource: false, options, consumers);

    /// <summary>Cancels the run without waiting for it.</summary>
    public void Cancel() => _stop.Cancel();

    /// <summary>Ends every server session of this instance, as a crash or a network failure would.</summary>
    /// <returns>How many sessions were ended.</returns>
    public async Task<int> TerminateSessionsAsync(NpgsqlConnection observer)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int
            FROM pg_stat_activity
            WHERE application_name = @instance AND datname = current_database() AND pid <> pg_backend_pid()
            """,
            observer);
        command.Parameters.AddWithValue("instance", Instance);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Whether the instance's run has ended, and how, for failure messages.</summary>
    public string Describe() => Run.Status switch
    {
        TaskStatus.Faulted => $"{Instance} failed: {Run.Exception!.GetBaseException()}",
        TaskStatus.RanToCompletion => $"{Instance} returned",
        TaskStatus.Canceled => $"{Instance} was cancelled",
        _ => $"{Instance} is running",
    };

    /// <summary>Stops the instance; a run that does not end within the bound is left behind, and the test's own assertions report it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAny(Run, Task.Delay(StopBound));
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync();
        }

        _stop.Dispose();
    }
}
