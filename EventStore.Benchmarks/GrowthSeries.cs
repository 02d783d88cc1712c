namespace EventStore.Benchmarks;

/// <summary>One configuration's log, measured at every size it grew through.</summary>
internal sealed record GrowthSeries(GrowthConfiguration Configuration, IReadOnlyList<GrowthPoint> Points)
{
    /// <summary>
    /// How many times slower <paramref name="operation"/> is at <paramref name="point"/> than on the empty log: the empty
    /// log's operations per second ÷ these. Above 1 is slower.
    /// </summary>
    public double Slowdown(GrowthPoint point, string operation) =>
        Points[0].Find(operation) is { } empty && point.Find(operation) is { } here ? empty.Median / here.Median : double.NaN;
}
