using EventStore.Dapper;
using EventStore.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Ecosystem;

/// <summary>
/// A sample host: the application registers its own <see cref="NpgsqlDataSource"/>, the store comes from
/// <c>AddPostgresEventStore</c> with options from configuration, and the work runs in the application's transaction.
/// </summary>
public sealed class DependencyInjectionTests
{
    private TemporaryDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await TestServer.CreateDatabaseAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task A_host_configured_from_settings_appends_and_reads_in_its_own_transaction_and_reports_spans_and_metrics()
    {
        var builder = HostWith(new()
        {
            ["EventStore:EventsTable"] = "host_events",
            ["EventStore:AggregateHeadsTable"] = "host_heads",
            ["EventStore:CheckpointsTable"] = "host_checkpoints",
            ["EventStore:PrepareStatements"] = "false",
        });
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(_database.ConnectionString));
        builder.Services.AddPostgresEventStore(builder.Configuration.GetSection("EventStore"));
        using var host = builder.Build();
        await host.StartAsync();
        using var recorder = new TelemetryRecorder();

        var options = host.Services.GetRequiredService<IOptions<EventStoreOptions>>().Value;
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var ddl = dataSource.CreateCommand(MigrationEmitter.Render(options)))
        {
            await ddl.ExecuteNonQueryAsync();
        }

        var store = host.Services.GetRequiredService<IEventStore>();
        var reader = host.Services.GetRequiredService<IAggregateStreamReader>();
        var type = "Host" + Guid.NewGuid().ToString("N");
        var id = NewAggregateId();
        AggregateStream stream;
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(type, id, 2));
            stream = await reader.ReadAggregateStreamAsync(transaction, type, id);
            await transaction.CommitAsync();
        }

        options.EventsTable.ShouldBe("host_events");
        options.PrepareStatements.ShouldBeFalse();
        stream.Version.ShouldBe(2);
        (await CountRowsAsync(dataSource, "host_events", type)).ShouldBe(2);
        recorder.Spans(type).Select(span => span.OperationName).ShouldBe(["eventstore.append", "eventstore.read_stream"]);
        recorder.Sum("eventstore.events.appended", type).ShouldBe(2);
        recorder.Sum("eventstore.events.read", type).ShouldBe(2);
        await host.StopAsync();
    }

    [Test]
    public void Every_store_interface_resolves_to_the_one_singleton_store()
    {
        using var provider = new ServiceCollection().AddLogging().AddPostgresEventStore().Services.BuildServiceProvider();

        var store = provider.GetRequiredService<PostgresEventStore>();

        provider.GetRequiredService<PostgresEventStore>().ShouldBeSameAs(store);
        provider.GetRequiredService<IEventStore>().ShouldBeSameAs(store);
        provider.GetRequiredService<IAggregateStreamReader>().ShouldBeSameAs(store);
        provider.GetRequiredService<IEventReader>().ShouldBeSameAs(store);
        provider.GetRequiredService<IGlobalPositionReader>().ShouldBeSameAs(store);
    }

    [TestCase("EventsTable", "events; DROP TABLE events")]
    [TestCase("AggregateHeadsTable", "heads\"")]
    [TestCase("NotifyChannel", "bad channel")]
    public async Task An_invalid_name_in_configuration_fails_the_host_start_naming_the_setting(string setting, string value)
    {
        var builder = HostWith(new() { [$"EventStore:{setting}"] = value });
        builder.Services.AddPostgresEventStore(builder.Configuration.GetSection("EventStore"));
        using var host = builder.Build();

        var failure = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        failure.OptionsType.ShouldBe(typeof(EventStoreOptions));
        failure.Message.ShouldContain(setting);
    }

    [Test]
    public void Code_configuration_applies_after_the_bound_settings()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["EventsTable"] = "from_settings", ["NotifyChannel"] = "from_settings" })
            .Build();
        var services = new ServiceCollection();
        services.AddPostgresEventStore(configuration, options => options.NotifyChannel = "from_code");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<EventStoreOptions>>().Value;

        options.EventsTable.ShouldBe("from_settings");
        options.NotifyChannel.ShouldBe("from_code");
    }

    [Test]
    public async Task Without_a_logger_in_the_options_the_store_logs_through_the_registered_logger_factory()
    {
        var lines = new List<string>();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new ListLoggerProvider(lines)));
        services.AddPostgresEventStore();
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IEventStore>();
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using (var ddl = dataSource.CreateCommand(MigrationEmitter.Render(EventStoreOptions.Default)))
        {
            await ddl.ExecuteNonQueryAsync();
        }

        var type = "Logged" + Guid.NewGuid().ToString("N");
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(type, NewAggregateId(), 1));
            await transaction.CommitAsync();
        }

        lock (lines)
        {
            lines.ShouldContain(line => line.StartsWith("EventStore: Appended 1 events to a " + type, StringComparison.Ordinal));
        }
    }

    private static HostApplicationBuilder HostWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    private static async Task<long> CountRowsAsync(NpgsqlDataSource dataSource, string table, string aggregateType)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE aggregate_type = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = aggregateType });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Keeps each log line as "category: message".</summary>
    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(string category, List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add($"{category}: {formatter(state, exception)}");
                }
            }
        }
    }
}
