using EventStore.Dapper;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>The operations each benchmark times, one per contender, so every scenario calls them the same way.</summary>
internal static class Contenders
{
    /// <summary>
    /// The store with the default options, straight to PostgreSQL and through PgBouncer alike: it decides per connection
    /// string whether to prepare, as an application's one store would.
    /// </summary>
    public static readonly PostgresEventStore Store = new();

    /// <summary>The store as it runs behind a pooler, but straight to PostgreSQL, so the pooler's hop can be told apart.</summary>
    public static readonly PostgresEventStore NotPreparedStore = new(new EventStoreOptions { PrepareStatements = false });

    public static Task OursAppendAsync(int count) => AppendAsync(Store, BenchEnvironment.DataSource, "ours", count);

    public static Task OursNotPreparedAppendAsync(int count) => AppendAsync(NotPreparedStore, BenchEnvironment.DataSource, "ours-np", count);

    public static Task OursViaPgBouncerAppendAsync(int count) => AppendAsync(Store, BenchEnvironment.PgBouncerDataSource, "ours-pgb", count);

    public static async Task RawTwoTablesAppendAsync(int count)
    {
        var events = SampleEvents.For(SampleEvents.NewAggregateId("raw2"), count);
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await RawSql.AppendTwoTablesAsync(connection, events).ConfigureAwait(false);
    }

    public static async Task RawSingleTableAppendAsync(int count)
    {
        var events = SampleEvents.For(SampleEvents.NewAggregateId("raw1"), count);
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await RawSql.AppendSingleTableAsync(connection, events).ConfigureAwait(false);
    }

    public static async Task MartenAppendAsync(int count)
    {
        await using var session = BenchEnvironment.Marten.LightweightSession();
        session.Events.Append(SampleEvents.NewAggregateId("marten"), SampleEvents.ForMarten(count));
        await session.SaveChangesAsync().ConfigureAwait(false);
    }

    private static async Task AppendAsync(PostgresEventStore store, NpgsqlDataSource dataSource, string prefix, int count)
    {
        var events = SampleEvents.For(SampleEvents.NewAggregateId(prefix), count);
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await store.AppendAsync(transaction, ExpectedVersion.Any, events).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }
}
