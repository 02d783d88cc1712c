namespace EventStore.Benchmarks;

/// <summary>One operation at one log size: operations per second in each round, and their median.</summary>
internal sealed record GrowthMeasurement(string Operation, IReadOnlyList<double> Rounds)
{
    public double Median => Rounds.Order().ElementAt(Rounds.Count / 2);
}
