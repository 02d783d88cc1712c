using BenchmarkDotNet.Attributes;

namespace EventStore.Benchmarks;

/// <summary>Scenario 2: one hundred events per transaction, to a new aggregate each operation.</summary>
public class AppendHundredBenchmarks
{
    /// <summary>Events per operation.</summary>
    public const int Count = 100;

    /// <summary>Our store: <c>AppendAsync</c> with <c>Any</c>.</summary>
    [Benchmark]
    public Task Ours() => Contenders.OursAppendAsync(Count);

    /// <summary>Our store with <c>PrepareStatements = false</c>, straight to PostgreSQL.</summary>
    [Benchmark]
    public Task OursNotPrepared() => Contenders.OursNotPreparedAppendAsync(Count);

    /// <summary>Our store with the default options, through PgBouncer in transaction mode, where it prepares nothing.</summary>
    [Benchmark]
    public Task OursViaPgBouncer() => Contenders.OursViaPgBouncerAppendAsync(Count);

    /// <summary>The two-table design's floor: head upsert plus unnest insert, one prepared statement (see <c>RawSql</c>).</summary>
    [Benchmark(Baseline = true)]
    public Task RawTwoTables() => Contenders.RawTwoTablesAppendAsync(Count);

    /// <summary>One table, versions by max + 1 with no head row and no lock; not safe under concurrency.</summary>
    [Benchmark]
    public Task RawSingleTable() => Contenders.RawSingleTableAppendAsync(Count);

    /// <summary>Marten quick append with string stream ids.</summary>
    [Benchmark]
    public Task Marten() => Contenders.MartenAppendAsync(Count);
}
