namespace EventStore.Benchmarks;

/// <summary>What one contender achieved in the contention run.</summary>
internal sealed record ContentionResult(string Contender, int Succeeded, int Failed, TimeSpan Elapsed, string? FirstError)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;
}
