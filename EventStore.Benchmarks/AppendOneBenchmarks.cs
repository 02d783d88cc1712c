using BenchmarkDotNet.Attributes;

namespace EventStore.Benchmarks;

/// <summary>Scenario 1: one event per transaction, to a new aggregate.</summary>
public class AppendOneBenchmarks
{
    /// <summary>Our store: <c>AppendAsync</c> with <c>Any</c>.</summary>
    [Benchmark]
    public Task Ours() => Contenders.OursAppendAsync(1);

    /// <summary>Our store with <c>PrepareStatements = false</c>, straight to PostgreSQL.</summary>
    [Benchmark]
    public Task OursNotPrepared() => Contenders.OursNotPreparedAppendAsync(1);

    /// <summary>Our store with the default options, through PgBouncer in transaction mode, where it prepares nothing.</summary>
    [Benchmark]
    public Task OursViaPgBouncer() => Contenders.OursViaPgBouncerAppendAsync(1);

    /// <summary>The two-table design's floor: head upsert plus unnest insert, one prepared statement (see <c>RawSql</c>).</summary>
    [Benchmark(Baseline = true)]
    public Task RawTwoTables() => Contenders.RawTwoTablesAppendAsync(1);

    /// <summary>One table, versions by max + 1 with no head row and no lock; not safe under concurrency.</summary>
    [Benchmark]
    public Task RawSingleTable() => Contenders.RawSingleTableAppendAsync(1);

    /// <summary>Marten quick append with string stream ids.</summary>
    [Benchmark]
    public Task Marten() => Contenders.MartenAppendAsync(1);
}
