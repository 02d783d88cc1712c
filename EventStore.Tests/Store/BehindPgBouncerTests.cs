using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// The store behind a real PgBouncer in transaction pooling mode, where each transaction of a client may run in
/// another server session. The contract fixtures also run there (<see cref="ServerRoute.PgBouncer"/>); these tests
/// are about the pooler itself: what the store finds out, and what it refuses.
/// </summary>
public sealed class BehindPgBouncerTests
{
    private const string Order = "Order";

    /// <summary>
    /// 8 connections, each running 25 transactions of an append and a read, all at once. With prepared statements,
    /// most of them failed on names that another client had prepared in the same server session.
    /// </summary>
    [Test]
    public async Task With_default_options_200_transactions_of_an_append_and_a_read_on_8_connections_all_succeed_and_the_store_says_once_why_it_does_not_prepare()
    {
        var logger = new RecordingLogger();
        await using var db = await StoreDatabase.CreateAsync(new EventStoreOptions { Logger = logger }, ServerRoute.PgBouncer);

        var succeeded = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var done = 0;
            for (var i = 0; i < 25; i++)
            {
                var id = NewAggregateId();
                await using var transaction = await connection.BeginTransactionAsync();
                await db.Store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(Order, id, 2));
                var stream = await db.Store.ReadAggregateStreamAsync(transaction, Order, id);
                await transaction.CommitAsync();
                done += stream.Count == 2 ? 1 : 0;
            }

            return done;
        })));

        succeeded.Sum().ShouldBe(200);
        logger.Messages.Count(message => message.Contains("go through a pooler", StringComparison.Ordinal)).ShouldBe(1);
    }

    /// <summary>
    /// A pooler with one server session makes the clash certain: the second client prepares its first statement under
    /// the name the first client's statement already has there.
    /// </summary>
    [Test]
    public async Task With_PrepareBehindPooler_on_a_pooler_that_shares_sessions_the_first_clash_names_the_pooler_and_the_fixes_and_stores_nothing()
    {
        TestPooler.RequireBinary();
        await using var pooler = await PgBouncer.StartAsync(TestServer.Server, new PgBouncerOptions { DefaultPoolSize = 1 });
        await using var db = await StoreDatabase.CreateAsync();
        var store = new PostgresEventStore(new EventStoreOptions { PrepareBehindPooler = true });
        await using var first = new NpgsqlConnection(pooler.Route(db.Database.ConnectionString));
        await using var second = new NpgsqlConnection(pooler.Route(db.Database.ConnectionString));
        await first.OpenAsync();
        await second.OpenAsync();
        await AppendAndCommitAsync(store, first, NewAggregateId());

        var id = NewAggregateId();
        var refused = await Should.ThrowAsync<InvalidOperationException>(() => AppendAndCommitAsync(store, second, id));

        refused.Message.ShouldContain("pooler in transaction mode, such as PgBouncer");
        refused.Message.ShouldContain("EventStoreOptions.PrepareBehindPooler to false");
        refused.Message.ShouldContain("max_prepared_statements");
        refused.InnerException.ShouldBeOfType<PostgresException>();
        (await AggregateStateAsync(db, Order, id)).ShouldBe((0L, (long?)null));
    }

    [Test]
    public async Task Npgsql_automatic_preparation_behind_PgBouncer_is_refused_before_the_append_is_sent()
    {
        var logger = new RecordingLogger();
        await using var db = await StoreDatabase.CreateAsync(new EventStoreOptions { Logger = logger }, ServerRoute.PgBouncer);
        var autoPrepared = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxAutoPrepare = 10 }.ConnectionString;
        await using var connection = new NpgsqlConnection(autoPrepared);
        await connection.OpenAsync();
        var id = NewAggregateId();

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => AppendAndCommitAsync(db.Store, connection, id));

        refused.Message.ShouldContain("Max Auto Prepare");
        refused.Message.ShouldContain("PrepareBehindPooler");
        (await AggregateStateAsync(db, Order, id)).ShouldBe((0L, (long?)null));
    }

    [Test]
    public async Task A_direct_connection_is_not_taken_for_a_pooler_and_its_statements_are_prepared()
    {
        var logger = new RecordingLogger();
        await using var db = await StoreDatabase.CreateAsync(new EventStoreOptions { Logger = logger });
        await using var connection = await db.OpenConnectionAsync();

        await AppendAndCommitAsync(db.Store, connection, NewAggregateId());

        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE from_sql = false", connection);
        ((long)(await prepared.ExecuteScalarAsync())!).ShouldBeGreaterThan(0);
        logger.Messages.ShouldNotContain(message => message.Contains("pooler", StringComparison.Ordinal));
    }

    private static async Task AppendAndCommitAsync(PostgresEventStore store, NpgsqlConnection connection, string aggregateId)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(Order, aggregateId, 1));
        await transaction.CommitAsync();
    }
}
