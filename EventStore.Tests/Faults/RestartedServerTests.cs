using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Faults;

/// <summary>
/// Each test restarts a server of its own, since the run's shared server serves other tests meanwhile. Each uses a
/// data source of its own, so it knows what its pool holds: one idle connection, used for everything before the restart.
/// </summary>
public sealed class RestartedServerTests
{
    private const string Order = "Order";

    private readonly PostgresEventStore _store = new();

    [SetUp]
    public void FindBinaries() =>
        Assume.That(PostgresBinaries.Find(), Is.Not.Null, "these tests restart a local cluster, so they need the PostgreSQL server binaries");

    [Test]
    public async Task After_a_restart_the_first_use_of_a_pooled_connection_fails_with_AdminShutdown_and_the_next_works()
    {
        await using var server = await StartServerOfOwnAsync();
        await using var dataSource = await CreateStoreAsync(server);
        var committed = await CommitEventsAsync(dataSource);

        await server.RestartAsync();

        // Npgsql does not check an idle connection when it hands it out, so the restart shows on its first use.
        var stale = await Should.ThrowAsync<PostgresException>(
            () => InTransactionAsync(dataSource, transaction => _store.ReadAggregateStreamAsync(transaction, Order, committed[0].AggregateId)));
        stale.SqlState.ShouldBe(PostgresErrorCodes.AdminShutdown);
        await ShouldStillHoldAndAppendAfterAsync(dataSource, committed);
    }

    [Test]
    public async Task After_a_restart_and_a_cleared_pool_the_next_append_works_and_every_committed_event_is_still_there()
    {
        await using var server = await StartServerOfOwnAsync();
        await using var dataSource = await CreateStoreAsync(server);
        var committed = await CommitEventsAsync(dataSource);

        await server.RestartAsync();
        dataSource.Clear();

        await ShouldStillHoldAndAppendAfterAsync(dataSource, committed);
    }

    private static Task<PostgresServer> StartServerOfOwnAsync() =>
        PostgresServer.StartAsync(new PostgresServerOptions { UseConnectionStringVariable = false, UseTestcontainers = false });

    private static async Task<NpgsqlDataSource> CreateStoreAsync(PostgresServer server)
    {
        var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand(MigrationEmitter.Render(EventStoreOptions.Default));
        await command.ExecuteNonQueryAsync();
        return dataSource;
    }

    private static async Task<T> InTransactionAsync<T>(NpgsqlDataSource dataSource, Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await work(transaction);
        await transaction.CommitAsync();
        return result;
    }

    /// <summary>Commits three events to a new aggregate before the restart.</summary>
    private async Task<Event[]> CommitEventsAsync(NpgsqlDataSource dataSource)
    {
        var committed = Events(Order, NewAggregateId(), 3);
        await InTransactionAsync(dataSource, transaction => _store.AppendAsync(transaction, ExpectedVersion.NoStream, committed));
        return committed;
    }

    /// <summary>Reads the committed events back in one transaction and appends the next version in another.</summary>
    private async Task ShouldStillHoldAndAppendAfterAsync(NpgsqlDataSource dataSource, Event[] committed)
    {
        var (type, id) = (committed[0].AggregateType, committed[0].AggregateId);
        var stream = await InTransactionAsync(dataSource, transaction => _store.ReadAggregateStreamAsync(transaction, type, id));
        stream.Events.Select(e => e.EventId).ShouldBe(committed.Select(e => e.EventId));
        var next = await InTransactionAsync(dataSource,
            transaction => _store.AppendAsync(transaction, ExpectedVersion.Exact(committed.Length), Events(type, id, 1)));
        next.ToVersion.ShouldBe(committed.Length + 1);
    }
}
