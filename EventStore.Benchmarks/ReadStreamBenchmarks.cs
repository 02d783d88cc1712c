using BenchmarkDotNet.Attributes;
using EventStore.Dapper;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>Scenario 3: read a 1,000-event aggregate stream into objects.</summary>
public class ReadStreamBenchmarks
{
    /// <summary>Events in the stream.</summary>
    public const int Count = 1_000;

    private string _ourId = string.Empty;
    private string _martenId = string.Empty;

    /// <summary>Writes the stream once for each store.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _ourId = SampleEvents.NewAggregateId("read");
        _martenId = SampleEvents.NewAggregateId("read-marten");
        SetupAsync().GetAwaiter().GetResult();
    }

    /// <summary>Our store: <c>ReadAggregateStreamAsync</c>.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public Task<int> Ours() => ReadAsync(Contenders.Store, BenchEnvironment.DataSource);

    /// <summary>Our store with <c>PrepareStatements = false</c>, straight to PostgreSQL.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public Task<int> OursNotPrepared() => ReadAsync(Contenders.NotPreparedStore, BenchEnvironment.DataSource);

    /// <summary>Our store with the default options, through PgBouncer in transaction mode, where it prepares nothing.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public Task<int> OursViaPgBouncer() => ReadAsync(Contenders.Store, BenchEnvironment.PgBouncerDataSource);

    /// <summary>Hand-written Npgsql: the same SQL, an <c>NpgsqlDataReader</c> into the same records.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark(Baseline = true)]
    public async Task<int> RawNpgsql()
    {
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var events = await RawSql.ReadStreamAsync(connection, SampleEvents.AggregateType, _ourId).ConfigureAwait(false);
        return events.Count;
    }

    /// <summary>Marten: <c>FetchStreamAsync</c>.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public async Task<int> Marten()
    {
        await using var session = BenchEnvironment.Marten.QuerySession();
        var events = await session.Events.FetchStreamAsync(_martenId).ConfigureAwait(false);
        return events.Count;
    }

    private async Task<int> ReadAsync(PostgresEventStore store, NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var stream = await store.ReadAggregateStreamAsync(transaction, SampleEvents.AggregateType, _ourId).ConfigureAwait(false);
        return stream.Events.Count;
    }

    private async Task SetupAsync()
    {
        for (var i = 0; i < Count / 100; i++)
        {
            await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await Contenders.Store.AppendAsync(transaction, ExpectedVersion.Any, SampleEvents.For(_ourId, 100)).ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);

            await using var session = BenchEnvironment.Marten.LightweightSession();
            session.Events.Append(_martenId, SampleEvents.ForMarten(100));
            await session.SaveChangesAsync().ConfigureAwait(false);
        }
    }
}
