namespace EventStore.Benchmarks;

/// <summary>One contender's measured mean and allocations in one scenario.</summary>
internal sealed record ScenarioRow(string Method, double MeanNanoseconds, long? AllocatedBytes);
