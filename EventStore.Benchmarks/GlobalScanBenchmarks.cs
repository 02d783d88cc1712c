using BenchmarkDotNet.Attributes;
using EventStore.Dapper;
using Marten;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>Scenario 4: scan 10,000 events of the global log in pages of 500.</summary>
public class GlobalScanBenchmarks
{
    /// <summary>Events scanned per operation.</summary>
    public const int Count = 10_000;

    /// <summary>Events per page.</summary>
    public const int PageSize = 500;

    private long _ourStart;
    private long _martenStart;

    /// <summary>Appends the events to scan, for each store, and notes where they begin.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    /// <summary>Our store: <c>ReadEventsAsync</c>, page after page.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public Task<int> Ours() => ScanAsync(Contenders.Store, BenchEnvironment.DataSource);

    /// <summary>Our store with <c>PrepareStatements = false</c>, straight to PostgreSQL.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public Task<int> OursNotPrepared() => ScanAsync(Contenders.NotPreparedStore, BenchEnvironment.DataSource);

    /// <summary>Our store with the default options, through PgBouncer in transaction mode, where it prepares nothing.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public Task<int> OursViaPgBouncer() => ScanAsync(Contenders.Store, BenchEnvironment.PgBouncerDataSource);

    /// <summary>Hand-written Npgsql: the same SQL, an <c>NpgsqlDataReader</c> into the same records.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark(Baseline = true)]
    public async Task<int> RawNpgsql()
    {
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var read = 0;
        var position = _ourStart;
        while (read < Count)
        {
            var page = await RawSql.ReadPageAsync(connection, position, PageSize).ConfigureAwait(false);
            read += page.Count;
            position = page[^1].GlobalPosition;
        }

        return read;
    }

    /// <summary>Marten: <c>QueryAllRawEvents</c> by sequence, page after page.</summary>
    /// <returns>The number of events read.</returns>
    [Benchmark]
    public async Task<int> Marten()
    {
        await using var session = BenchEnvironment.Marten.QuerySession();
        var read = 0;
        var sequence = _martenStart;
        while (read < Count)
        {
            var from = sequence;
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > from).OrderBy(e => e.Sequence).Take(PageSize)
                .ToListAsync().ConfigureAwait(false);
            read += page.Count;
            sequence = page[^1].Sequence;
        }

        return read;
    }

    private async Task<int> ScanAsync(PostgresEventStore store, NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var read = 0;
        var position = _ourStart;
        while (read < Count)
        {
            var page = await store.ReadEventsAsync(transaction, position, PageSize).ConfigureAwait(false);
            read += page.Count;
            position = page[^1].GlobalPosition;
        }

        return read;
    }

    private async Task SetupAsync()
    {
        await using (var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false))
        {
            _ourStart = await Contenders.Store.GetLatestGlobalPositionAsync(transaction).ConfigureAwait(false);
        }

        await using (var session = BenchEnvironment.Marten.QuerySession())
        {
            var last = await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync().ConfigureAwait(false);
            _martenStart = last?.Sequence ?? 0;
        }

        for (var i = 0; i < Count / 100; i++)
        {
            await Contenders.OursAppendAsync(100).ConfigureAwait(false);
            await Contenders.MartenAppendAsync(100).ConfigureAwait(false);
        }
    }
}
