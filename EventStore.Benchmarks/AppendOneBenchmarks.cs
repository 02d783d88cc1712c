using BenchmarkDotNet.Attributes;

namespace EventStore.Benchmarks;

/// <summary>Scenario 1: one event per transaction, to a new aggregate.</summary>
public class AppendOneBenchmarks
{
    /// <summary>Our store: <c>AppendAsync</c> with <c>Any</c>.</summary>
    [Benchmark]
    public Task Ours() => Contenders.OursAppendAsync(1);

    /// <summary>Hand-written Npgsql: head upsert plus unnest insert, one round trip.</summary>
    [Benchmark(Baseline = true)]
    public Task RawNpgsql() => Contenders.RawAppendAsync(1);

    /// <summary>Marten quick append with string stream ids.</summary>
    [Benchmark]
    public Task Marten() => Contenders.MartenAppendAsync(1);
}
