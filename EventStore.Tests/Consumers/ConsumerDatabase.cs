using System.Diagnostics;
using System.Globalization;
using EventStore.Consumers;
using EventStore.Dapper;
using EventStore.Tests.Store;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>
/// A fresh database for one test: the store's schema, the checkpoints table and the <c>seen</c> table. A consumer reads
/// the whole log, so tests never share a database; each one creates its own and disposes of it.
/// </summary>
internal sealed class ConsumerDatabase : IAsyncDisposable
{
    /// <summary>The channel of tests that want NOTIFY; notifications never leave their database, so one name serves all.</summary>
    public const string Channel = "consumer_tests";

    private static readonly TimeSpan PollSeen = TimeSpan.FromMilliseconds(25);

    private readonly List<RunningProcessor> _processors = [];

    private ConsumerDatabase(StoreDatabase store, CapturingLogger log, ProcessorSetup setup)
    {
        Store = store;
        Log = log;
        Setup = setup;
    }

    /// <summary>How the processors share consumers and reach the server.</summary>
    public ProcessorSetup Setup { get; }

    public StoreDatabase Store { get; }

    /// <summary>The instances started, in start order.</summary>
    public IReadOnlyList<RunningProcessor> Processors => _processors;

    /// <summary>What the processors logged at Information and above; failure messages quote its warnings and errors.</summary>
    public CapturingLogger Log { get; }

    /// <summary>
    /// Options that keep the tests short: quick polls, takeovers and retries, one-second table leases, and the store's
    /// tables and channel. Through a pooler, notifications come over a direct connection.
    /// </summary>
    public ConsumerProcessorOptions ProcessorOptions => new()
    {
        Store = Store.Options,
        MaxPollInterval = TimeSpan.FromMilliseconds(250),
        TakeoverInterval = TimeSpan.FromMilliseconds(250),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        LeaseMode = Setup.LeaseMode,
        LeaseDuration = TimeSpan.FromSeconds(1),
        ListenConnectionString = Setup.Route == ServerRoute.PgBouncer ? Store.Database.ConnectionString : null,
    };

    public static async Task<ConsumerDatabase> CreateAsync(string? notifyChannel = null, ProcessorSetup? setup = null)
    {
        setup ??= ProcessorSetup.Default;
        var log = new CapturingLogger();
        var store = await StoreDatabase.CreateAsync(new EventStoreOptions { NotifyChannel = notifyChannel, Logger = log }, setup.Route, setup.Schema);
        await using var connection = await store.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(SeenTable.Create, connection);
        await command.ExecuteNonQueryAsync();
        return new ConsumerDatabase(store, log, setup);
    }

    public Task<NpgsqlConnection> OpenConnectionAsync() => Store.OpenConnectionAsync();

    /// <summary>Starts an instance; the database stops it when disposed, if the test has not.</summary>
    public RunningProcessor Start(string instance, params IConsumer[] consumers) => Start(instance, ProcessorOptions, consumers);

    public RunningProcessor Start(string instance, ConsumerProcessorOptions options, params IConsumer[] consumers)
    {
        var processor = RunningProcessor.Start(Store.ConnectionString, instance, options, consumers);
        _processors.Add(processor);
        return processor;
    }

    /// <summary>Starts a new processor on the data source of a stopped one, as an application restarting its processor would.</summary>
    public RunningProcessor Restart(RunningProcessor stopped, params IConsumer[] consumers)
    {
        var processor = RunningProcessor.Restart(stopped, ProcessorOptions, consumers);
        _processors.Add(processor);
        return processor;
    }

    /// <summary>Appends in a committed transaction of its own and returns the stored events.</summary>
    public async Task<IReadOnlyList<PersistedEvent>> AppendAsync(params Event[] events) =>
        (await Store.AppendAsync(ExpectedVersion.Any, events)).Events;

    /// <summary>The whole log as the store reads it, in position order.</summary>
    public Task<IReadOnlyList<PersistedEvent>> ReadAllAsync() =>
        Store.InTransactionAsync(transaction => Store.Store.ReadEventsAsync(transaction, 0, PostgresEventStore.MaxReadLimit));

    /// <summary>The <c>seen</c> table in delivery order, optionally of one consumer only.</summary>
    public async Task<List<SeenRow>> SeenAsync(string? consumer = null)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = new NpgsqlCommand(SeenTable.Select, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<SeenRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new SeenRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6), reader.GetString(7), reader.GetInt64(8), reader.GetDateTime(9)));
        }

        return consumer is null ? rows : rows.Where(row => row.Consumer == consumer).ToList();
    }

    /// <summary>The consumer's checkpoint row: its position, and the transaction that last wrote it.</summary>
    public async Task<(long Position, long TransactionId)?> CheckpointAsync(string consumer)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT global_position, xmin::text::bigint FROM consumer_checkpoints WHERE consumer_name = @consumer", connection);
        command.Parameters.AddWithValue("consumer", consumer);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>
    /// Waits until <paramref name="consumer"/> has committed every one of <paramref name="events"/>, and returns its
    /// <c>seen</c> rows. It fails at once when waiting cannot help: the checkpoint moved past a missing event, a
    /// consumer saw a duplicate delivery, or no processor is running; and after <paramref name="within"/> with what is missing.
    /// </summary>
    public async Task<List<SeenRow>> WaitUntilSeenAsync(IEnumerable<PersistedEvent> events, TimeSpan within, string consumer = SeenConsumer.DefaultName)
    {
        var expected = events.ToList();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // The checkpoint is read first: a batch commits its rows and its checkpoint together, so rows read later
            // include everything below a checkpoint read earlier.
            var checkpoint = (await CheckpointAsync(consumer))?.Position ?? 0;
            var rows = await SeenAsync(consumer);
            var seenIds = rows.Select(row => row.EventId).ToHashSet();
            var missing = expected.Where(e => !seenIds.Contains(e.EventId)).ToList();
            if (missing.Count == 0)
            {
                return rows;
            }

            var skipped = missing.Where(e => e.GlobalPosition <= checkpoint).ToList();
            if (skipped.Count > 0)
            {
                Assert.Fail($"Consumer '{consumer}' moved its checkpoint to {checkpoint} without delivering {skipped.Count} committed events, " +
                            $"e.g. position {skipped[0].GlobalPosition}; {await DescribeAsync()}");
            }

            FailOnBrokenProcessor();
            if (clock.Elapsed > within)
            {
                Assert.Fail($"After {within.TotalSeconds:0.#} s consumer '{consumer}' still lacks {missing.Count} of {expected.Count} events " +
                            $"(it has {rows.Count} rows); {await DescribeAsync()}");
            }

            await Task.Delay(PollSeen);
        }
    }

    /// <summary>Waits until the consumer's checkpoint reaches <paramref name="position"/>.</summary>
    public async Task WaitUntilCheckpointAsync(string consumer, long position, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var reached = (await CheckpointAsync(consumer))?.Position;
            if (reached >= position)
            {
                return;
            }

            FailOnBrokenProcessor();
            if (clock.Elapsed > within)
            {
                Assert.Fail($"After {within.TotalSeconds:0.#} s the checkpoint of '{consumer}' is {reached?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, not {position}; {await DescribeAsync()}");
            }

            await Task.Delay(PollSeen);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Newest first, so a restarted processor stops before the data source it borrowed is disposed.
        foreach (var processor in Enumerable.Reverse(_processors))
        {
            await processor.DisposeAsync();
        }

        await Store.DisposeAsync();
    }

    /// <summary>Fails as soon as waiting longer cannot help: a duplicate delivery, or no instance left running.</summary>
    private void FailOnBrokenProcessor()
    {
        foreach (var processor in _processors)
        {
            var duplicates = processor.Consumers.OfType<SeenConsumer>().SelectMany(consumer => consumer.Duplicates).ToList();
            if (duplicates.Count > 0)
            {
                Assert.Fail($"{processor.Instance} delivered {duplicates.Count} committed events again, e.g. {duplicates[0]}.");
            }
        }

        if (_processors.Count > 0 && _processors.All(processor => processor.Run.IsCompleted))
        {
            Assert.Fail($"No instance is running; {Describe()}");
        }
    }

    /// <summary>The state of every instance and the last problems they logged, for failure messages.</summary>
    private string Describe() =>
        string.Join("; ", _processors.Select(processor => processor.Describe())) + "." +
        string.Concat(Log.Problems.TakeLast(5).Select(problem => $"\n  logged: {problem}"));

    /// <summary><see cref="Describe"/>, and which sessions hold the consumers' advisory locks.</summary>
    private async Task<string> DescribeAsync()
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT string_agg(format('%s (pid %s, %s, last query: %s)', a.application_name, a.pid, a.state, left(a.query, 60)), '; ')
            FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            connection);
        var holders = await command.ExecuteScalarAsync() as string;
        return $"{Describe()}\n  advisory locks held by: {holders ?? "nobody"}";
    }
}
