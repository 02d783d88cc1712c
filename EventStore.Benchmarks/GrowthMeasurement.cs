namespace EventStore.Benchmarks;

/// <summary>
/// One operation at one log size: operations per second in each round on the grown log, and in the same round on the
/// baseline log beside it.
/// </summary>
internal sealed record GrowthMeasurement(string Operation, IReadOnlyList<double> Rounds, IReadOnlyList<double> BaselineRounds)
{
    public double Median => Middle(Rounds);

    /// <summary>
    /// How many times slower the grown log is than the baseline: the median of the rounds' ratios, each taken from two
    /// timings seconds apart, so that a slow spell of the machine weighs on both sides of a ratio. Above 1 is slower.
    /// </summary>
    public double Slowdown => Middle([.. BaselineRounds.Zip(Rounds, (baseline, grown) => baseline / grown)]);

    private static double Middle(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);
}
