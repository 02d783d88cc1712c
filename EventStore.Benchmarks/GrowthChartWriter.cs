using ScottPlot;
using ScottPlot.TickGenerators;

namespace EventStore.Benchmarks;

/// <summary>
/// One chart per operation: how many times slower it is at each log size than on the empty log, one line per
/// configuration and server mode, with the target drawn across.
/// </summary>
internal static class GrowthChartWriter
{
    private const int Width = 1200;
    private const int Height = 560;

    // Plain in greens, partitioned in blues; the darker of each pair has time-ordered ids.
    private static readonly Dictionary<GrowthConfiguration, Color> Colors = new()
    {
        [GrowthConfiguration.All[0]] = Color.FromHex("#98df8a"),
        [GrowthConfiguration.All[1]] = Color.FromHex("#2ca02c"),
        [GrowthConfiguration.All[2]] = Color.FromHex("#aec7e8"),
        [GrowthConfiguration.All[3]] = Color.FromHex("#1f77b4"),
    };

    public static string FileName(GrowthOperation operation) => $"growth-{operation.Key}.png";

    /// <summary>Writes one chart per operation into <paramref name="folder"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, GrowthResults results)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var operation in GrowthOperation.All)
        {
            var path = Path.Combine(folder, FileName(operation));
            using var plot = Chart(operation, results);
            plot.SavePng(path, Width, Height);
            paths.Add(path);
        }

        return paths;
    }

    private static Plot Chart(GrowthOperation operation, GrowthResults results)
    {
        var plot = new Plot();
        foreach (var server in results.Servers)
        {
            foreach (var series in server.Series)
            {
                var line = plot.Add.Scatter(
                    Enumerable.Range(0, series.Points.Count).Select(index => (double)index).ToArray(),
                    series.Points.Select(point => point.Slowdown(operation.Key)).ToArray());
                line.Color = Colors[series.Configuration];
                line.LineWidth = 2;
                line.MarkerSize = 7;
                // fsync off dashed, so two modes in one chart stay apart.
                line.LinePattern = server.Settings.Durable ? LinePattern.Solid : LinePattern.Dashed;
                line.LegendText = results.Servers.Count > 1 ? $"{series.Configuration.Name}, {server.Settings.Mode}" : series.Configuration.Name;
            }
        }

        plot.Add.HorizontalLine(1, width: 1, color: Color.FromHex("#444444"), pattern: LinePattern.Dotted);
        var target = plot.Add.HorizontalLine(operation.Target, width: 1, color: Color.FromHex("#d62728"), pattern: LinePattern.Dashed);
        target.LegendText = $"target for the partitioned table: {operation.Target:0.0}×";
        plot.Title($"{operation.Title}: time per operation ÷ on the empty log (lower is better)");
        plot.YLabel("× the empty log's time");
        plot.XLabel("events in the log");
        var points = results.Servers[0].Series[0].Points;
        plot.Axes.Bottom.TickGenerator = new NumericManual(
            Enumerable.Range(0, points.Count).Select(index => (double)index).ToArray(),
            points.Select(GrowthReportWriter.SizeLabel).ToArray());
        // From zero, so a small slowdown looks small; and past the target, so it always shows.
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(-0.2, points.Count - 0.8);
        plot.Axes.SetLimitsY(0, Math.Max(operation.Target, plot.Axes.GetLimits().Top) * 1.1);
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
