namespace EventStore.Benchmarks;

/// <summary>One configuration's log, measured at every size it grew through.</summary>
internal sealed record GrowthSeries(GrowthConfiguration Configuration, IReadOnlyList<GrowthPoint> Points);
