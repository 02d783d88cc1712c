using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace EventStore.Benchmarks;

/// <summary>
/// Draws the catch-up chart from the same results as its table: events per second, a group of bars per server mode and
/// round, one bar per consumer. The no-op's bar is labelled with its rate and the others with their share of it, short
/// enough that four labels fit over a group.
/// </summary>
internal static class CatchUpChartWriter
{
    public const string File = "catch-up.png";

    private const int Width = 1800;
    private const int Height = 560;
    private const double GroupWidth = 0.8;

    private static readonly Dictionary<CatchUpConsumerKind, Color> Colors = new()
    {
        [CatchUpConsumerKind.NoOp] = Color.FromHex("#7f7f7f"),
        [CatchUpConsumerKind.RowPerEvent] = Color.FromHex("#aec7e8"),
        [CatchUpConsumerKind.BatchInsert] = Color.FromHex("#1f77b4"),
        [CatchUpConsumerKind.BatchCopy] = Color.FromHex("#ff7f0e"),
    };

    /// <summary>Writes the chart into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, IReadOnlyList<CatchUpResult> results)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, File);
        using var plot = Chart(results);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static Plot Chart(IReadOnlyList<CatchUpResult> results)
    {
        var plot = new Plot();
        var groups = results.Select(result => (result.Server, result.Round)).Distinct().ToList();
        var kinds = CatchUpConsumerKind.All.ToList();
        var barWidth = GroupWidth / kinds.Count;
        var bars = new List<Bar>();
        foreach (var result in results)
        {
            var group = groups.IndexOf((result.Server, result.Round));
            var index = kinds.IndexOf(result.Consumer);
            var ratio = CatchUpReportWriter.RatioToNoOp(results, result);
            bars.Add(new Bar
            {
                Position = group + ((index - ((kinds.Count - 1) / 2.0)) * barWidth),
                Value = result.PerSecond,
                Size = barWidth * 0.9,
                FillColor = Colors[result.Consumer],
                LineWidth = 0,
                Label = result.Consumer == CatchUpConsumerKind.NoOp
                    ? result.PerSecond.ToString("#,0", CultureInfo.InvariantCulture)
                    : ratio.ToString("0%", CultureInfo.InvariantCulture),
            });
        }

        plot.Add.Bars(bars).ValueLabelStyle.FontSize = 10;
        foreach (var kind in kinds)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = kind.Display, FillColor = Colors[kind] });
        }

        plot.ShowLegend(Edge.Right);
        plot.Title($"Catch-up over {results[0].Events:N0} events: events per second (labels: the no-op's rate, and each other's share of it; target for the batch handlers ≥ {CatchUpReportWriter.Target:0%})");
        plot.YLabel("events per second");
        plot.Axes.Bottom.TickGenerator = new NumericManual(
            Enumerable.Range(0, groups.Count).Select(group => (double)group).ToArray(),
            groups.Select(group => $"{group.Server.Mode}\nround {group.Round}").ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return plot;
    }
}
