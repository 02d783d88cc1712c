namespace EventStore.Benchmarks;

/// <summary>What the consumer catch-up run measured.</summary>
internal sealed record CatchUpResult(int Events, int BatchSize, TimeSpan Elapsed, long AllocatedBytes)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;

    public double AllocatedPerEvent => (double)AllocatedBytes / Events;
}
