using System.Globalization;

namespace EventStore.Benchmarks;

/// <summary>
/// How long a run to the default sizes would take, from the load rates a smaller run saw; a floor, since loading slows
/// down once the indexes outgrow memory.
/// </summary>
internal static class GrowthEstimate
{
    public static string Describe(GrowthResults results, IReadOnlyList<long> sizes, TimeSpan measureTime)
    {
        var minutes = results.Servers.Sum(server => server.Series.Sum(series => Minutes(series, sizes, measureTime)));
        return string.Create(CultureInfo.InvariantCulture,
            $"This run took {results.TotalMinutes:0.0} min. At its load rates, a run to {string.Join(", ", sizes.Select(size => size.ToString("N0", CultureInfo.InvariantCulture)))} events " +
            $"with the same servers would take at least {minutes:0} min ({measureTime.TotalSeconds:0} s of timing per size and configuration).");
    }

    // The last stretch loaded is the largest, so its rate, vacuum and checkpoint included, is the one to scale up.
    private static double Minutes(GrowthSeries series, IReadOnlyList<long> sizes, TimeSpan measureTime)
    {
        var last = series.Points[^1];
        var perSecond = last.Loaded / (last.LoadSeconds + last.MaintenanceSeconds);
        return ((sizes[^1] / perSecond) + (sizes.Count * measureTime.TotalSeconds)) / 60;
    }
}
