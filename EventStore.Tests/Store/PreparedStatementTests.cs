using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// The hot statements run prepared, so PostgreSQL plans them once per connection; the checks read what the server
/// itself reports in <c>pg_prepared_statements</c> for the connection that ran them.
/// </summary>
public sealed class PreparedStatementTests : StoreFixture
{
    private const string AggregateType = "Prepared";

    [Test]
    public async Task Appends_reads_and_the_latest_position_leave_their_statements_prepared_on_the_connection()
    {
        var aggregateId = NewAggregateId();
        var dialect = new SqlDialect(Db.Options);
        await using var connection = await OpenUnpooledAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Db.Store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(AggregateType, aggregateId, 2));
            await Db.Store.AppendAsync(transaction, ExpectedVersion.Exact(2), Events(AggregateType, aggregateId, 1));
            await Db.Store.AppendAsync(transaction, ExpectedVersion.Any, Events(AggregateType, aggregateId, 1));
            (await Db.Store.ReadAggregateStreamAsync(transaction, AggregateType, aggregateId)).Count.ShouldBe(4);
            (await Db.Store.ReadAggregateStreamAsync(transaction, AggregateType, aggregateId, 2, 3)).Count.ShouldBe(2);
            (await Db.Store.ReadEventsAsync(transaction, 0, 10)).ShouldNotBeEmpty();
            (await Db.Store.GetLatestGlobalPositionAsync(transaction)).ShouldBeGreaterThan(0);
            await transaction.CommitAsync();
        }

        var prepared = await PreparedStatementsAsync(connection);

        prepared.Keys.ShouldBe(
            [dialect.Append.NoStreamSql, dialect.Append.ExactSql, dialect.Append.AnySql, dialect.StreamRead.WholeSql, dialect.StreamRead.RangeSql, dialect.LogRead.Sql,
             dialect.LatestPosition.Sql],
            ignoreOrder: true);
    }

    [Test]
    public async Task A_repeated_single_event_append_settles_on_one_generic_plan_instead_of_planning_every_call()
    {
        var dialect = new SqlDialect(Db.Options);
        await using var connection = await OpenUnpooledAsync();
        const int appends = 12;
        for (var i = 0; i < appends; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await Db.Store.AppendAsync(transaction, ExpectedVersion.Any, Events(AggregateType, NewAggregateId(), 1));
            await transaction.CommitAsync();
        }

        var (genericPlans, customPlans) = (await PreparedStatementsAsync(connection))[dialect.Append.AnySql];

        // PostgreSQL plans the first five runs for their values, then keeps the generic plan only if it is not costlier.
        customPlans.ShouldBeLessThanOrEqualTo(5);
        genericPlans.ShouldBe(appends - customPlans);
    }

    [Test]
    public async Task With_PrepareStatements_off_appends_and_reads_work_and_nothing_is_prepared()
    {
        var store = new PostgresEventStore(Db.Options with { PrepareStatements = false });
        var aggregateId = NewAggregateId();
        await using var connection = await OpenUnpooledAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var appended = await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(AggregateType, aggregateId, 3));
            var stream = await store.ReadAggregateStreamAsync(transaction, AggregateType, aggregateId);
            var log = await store.ReadEventsAsync(transaction, appended.GlobalPositions[0] - 1, 3);
            await transaction.CommitAsync();

            stream.Events.Select(e => e.EventId).ShouldBe(appended.Events.Select(e => e.EventId));
            log.Select(e => e.EventId).ShouldBe(appended.Events.Select(e => e.EventId));
        }

        (await PreparedStatementsAsync(connection)).ShouldBeEmpty();
    }

    /// <summary>A physical connection of the test's own, so no other test's statements are prepared on it.</summary>
    private async Task<NpgsqlConnection> OpenUnpooledAsync()
    {
        var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(Db.Database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<Dictionary<string, (long GenericPlans, long CustomPlans)>> PreparedStatementsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            statements[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return statements;
    }
}
