using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace EventStore.Benchmarks;

/// <summary>
/// Draws the report's charts from the same measurements as its tables: bars compare faster than columns of numbers.
/// Each scenario, in each server mode, is a group of bars, one per contender.
/// </summary>
internal static class ChartWriter
{
    public const string ThroughputFile = "throughput.png";
    public const string AllocationFile = "allocation.png";

    // Wide enough, with groups that nearly touch, for a label such as "11,646" to fit over its bar, which is a seventh
    // of a group wide: one place per contender.
    private const int Width = 1800;
    private const int Height = 560;
    private const double GroupWidth = 0.9;

    // log10 of 10 B: the allocation bars start there, since no operation allocates less per event.
    private const double AllocationFloor = 1;

    private static readonly Dictionary<string, Color> Colors = new(StringComparer.Ordinal)
    {
        [ContenderNames.Ours] = Color.FromHex("#1f77b4"),
        // Ours in other settings, in lighter blues, so the eye groups them with ours.
        [ContenderNames.OursNotPrepared] = Color.FromHex("#aec7e8"),
        [ContenderNames.OursViaPgBouncer] = Color.FromHex("#17becf"),
        ["RawTwoTables"] = Color.FromHex("#2ca02c"),
        ["RawSingleTable"] = Color.FromHex("#98df8a"),
        ["RawNpgsql"] = Color.FromHex("#7f7f7f"),
        ["Marten"] = Color.FromHex("#ff7f0e"),
    };

    /// <summary>Writes both charts into <paramref name="folder"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<MeasuredScenario> measured)
    {
        Directory.CreateDirectory(folder);
        var throughput = Path.Combine(folder, ThroughputFile);
        var allocation = Path.Combine(folder, AllocationFile);
        using (var plot = Throughput(measured))
        {
            plot.SavePng(throughput, Width, Height);
        }

        using (var plot = Allocation(measured))
        {
            plot.SavePng(allocation, Width, Height);
        }

        return [throughput, allocation];
    }

    private static Plot Throughput(IReadOnlyList<MeasuredScenario> measured)
    {
        var others = ContenderNames.Methods.Where(method => method != ContenderNames.Ours).ToList();
        var plot = GroupedBars(measured, others, (scenario, method) => scenario.RatioTo(method),
            ratio => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×");
        // At the line the two are equally fast; a bar above it is a contender that ours outruns.
        plot.Add.HorizontalLine(1, width: 1, color: Color.FromHex("#444444"), pattern: LinePattern.Dashed);
        plot.Title("Throughput of ours ÷ throughput of each contender (above 1: ours is faster)");
        plot.YLabel("ours ÷ contender");
        return plot;
    }

    private static Plot Allocation(IReadOnlyList<MeasuredScenario> measured)
    {
        // A log scale, since one event per transaction allocates tens of times more per event than a batch does.
        var plot = GroupedBars(measured, ContenderNames.Methods,
            (scenario, method) => scenario.Find(method) is { } row ? Math.Log10(scenario.AllocatedPerEvent(row)) : double.NaN,
            log => Math.Pow(10, log).ToString("#,0", CultureInfo.InvariantCulture), valueBase: AllocationFloor);
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = log => Math.Pow(10, log).ToString("#,0", CultureInfo.InvariantCulture) + " B",
        };
        plot.Title("Bytes allocated per event (log scale; lower is better)");
        plot.YLabel("bytes per event");
        return plot;
    }

    private static Plot GroupedBars(
        IReadOnlyList<MeasuredScenario> measured, IReadOnlyList<string> methods, Func<MeasuredScenario, string, double> value,
        Func<double, string> label, double valueBase = 0)
    {
        var plot = new Plot();
        var shown = new HashSet<string>(StringComparer.Ordinal);
        var bars = new List<Bar>();
        var barWidth = GroupWidth / methods.Count;
        for (var group = 0; group < measured.Count; group++)
        {
            var present = methods.Where(method => !double.IsNaN(value(measured[group], method))).ToList();
            for (var i = 0; i < present.Count; i++)
            {
                var height = value(measured[group], present[i]);
                bars.Add(new Bar
                {
                    Position = group + ((i - ((present.Count - 1) / 2.0)) * barWidth),
                    Value = height,
                    ValueBase = valueBase,
                    Size = barWidth * 0.9,
                    FillColor = Colors[present[i]],
                    LineWidth = 0,
                    Label = label(height),
                });
                shown.Add(present[i]);
            }
        }

        plot.Add.Bars(bars).ValueLabelStyle.FontSize = 9;
        foreach (var method in methods.Where(shown.Contains))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = ContenderNames.Display(method), FillColor = Colors[method] });
        }

        // Beside the plot, so no bar is hidden behind it.
        plot.ShowLegend(Edge.Right);
        plot.Axes.Bottom.TickGenerator = new NumericManual(
            Enumerable.Range(0, measured.Count).Select(group => (double)group).ToArray(),
            measured.Select(scenario => scenario.Label).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return plot;
    }
}
