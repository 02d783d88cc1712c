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

    /// <summary>Hand-written Npgsql: head upsert plus unnest insert, one round trip.</summary>
    [Benchmark(Baseline = true)]
    public Task RawNpgsql() => Contenders.RawAppendAsync(Count);

    /// <summary>Marten quick append with string stream ids.</summary>
    [Benchmark]
    public Task Marten() => Contenders.MartenAppendAsync(Count);
}
