using System.Globalization;
using System.Text;

namespace EventStore.Benchmarks;

/// <summary>
/// Writes scenario 6 of docs/benchmarks.md, between markers so that <see cref="CatchUpRun.Switch"/> can replace it
/// alone: the chart first, then the figures of every round, then the target.
/// </summary>
internal static class CatchUpReportWriter
{
    /// <summary>The issue's target: a batch handler writing its read model keeps at least this share of the no-op rate.</summary>
    public const double Target = 0.5;

    public static readonly MarkedSection Section = new("catch-up");

    public static string Render(IReadOnlyList<CatchUpResult> results)
    {
        var text = new StringBuilder();
        Line(text, Section.Start);
        Line(text, "## 6. Consumer processor catch-up (ours only)");
        Line(text);
        Line(text, $"![Catch-up events per second per consumer, server mode and round](benchmarks/{CatchUpChartWriter.File})");
        Line(text);
        Line(text, $"A `ConsumerProcessor` with one scoped consumer starts from an empty checkpoint over {Format(results[0].Events, "#,0")} stored events " +
            $"(batch size {results[0].BatchSize}); timed by hand from `RunAsync` until the handler has seen the last event (the final checkpoint commit is not included). " +
            "**No-op** only counts, so it times the processor alone. **Insert per event** writes a read-model row per event with its own `INSERT`, " +
            "in the batch's transaction. **Batch insert** is an `IBatchConsumer` that writes the same rows with one `INSERT ... SELECT FROM unnest(...)` per batch, " +
            "and **batch COPY** one that writes them with one binary `COPY` per batch (`BeginBinaryImportAsync`). " +
            "Each starts on an empty read-model table (a primary key on the event id). The consumers run in turn, in rounds, on each server; " +
            "the load is the machine's load average when the run started (2 cores, shared with other work), so compare within a round. " +
            "Allocations are every byte the process allocated meanwhile; process CPU is the time its threads ran, so the rest of the elapsed time went to the server and to waiting. Raw Npgsql and Marten are left out: neither has a processor with the same checkpoint guarantees. " +
            $"`dotnet run -c Release --project EventStore.Benchmarks -- {CatchUpRun.Switch}` runs this scenario alone and replaces only this section.");
        Line(text);
        Line(text, $"- Measured: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, PostgreSQL {results[0].Server.Version}, a throwaway local server per mode, one at a time:");
        foreach (var server in results.Select(result => result.Server).Distinct())
        {
            Line(text, $"  - {server.Mode}: {server.Describe()}");
        }

        Line(text);
        Line(text, "| Server | Round | Load (1, 5, 15 min) | Consumer | Elapsed | Events/s | ÷ no-op | Allocated per event | Process CPU per event |");
        Line(text, "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            Line(text, $"| {result.Server.Mode} | {result.Round} | {result.Load} | {result.Consumer.Display} | {Format(result.Elapsed.TotalSeconds, "0.00")} s | " +
                $"{Format(result.PerSecond, "#,0")} | {Format(RatioToNoOp(results, result), "0.00")}× | {Format(result.AllocatedPerEvent, "#,0")} B | {Format(result.MicrosecondsOfCpuPerEvent, "0.0")} µs |");
        }

        Line(text);
        Line(text, "The target is judged on the median of the rounds' ratios on each server, since one round can fall into a burst of other work; every round is listed.");
        Line(text);
        Line(text, "| Target | Rounds | Median | Met |");
        Line(text, "| --- | --- | ---: | :---: |");
        foreach (var kind in new[] { CatchUpConsumerKind.BatchInsert, CatchUpConsumerKind.BatchCopy })
        {
            foreach (var server in results.Select(result => result.Server).Distinct())
            {
                var ratios = results.Where(result => result.Consumer == kind && result.Server == server).Select(batch => RatioToNoOp(results, batch)).ToList();
                var median = Median(ratios);
                Line(text, $"| {kind.Display} ≥ {Format(Target, "0%")} of the no-op rate, {server.Mode} | {string.Join(", ", ratios.Select(ratio => Format(ratio, "0.0%")))} | " +
                    $"{Format(median, "0.0%")} | {(median >= Target ? "yes" : "no")} |");
            }
        }

        Line(text);
        Line(text, Section.End);
        return text.ToString();
    }

    /// <summary>The result's events per second ÷ the no-op's, on the same server in the same round.</summary>
    public static double RatioToNoOp(IReadOnlyList<CatchUpResult> results, CatchUpResult result) =>
        results.FirstOrDefault(noOp => noOp.Consumer == CatchUpConsumerKind.NoOp && noOp.Server == result.Server && noOp.Round == result.Round) is { } baseline
            ? result.PerSecond / baseline.PerSecond
            : double.NaN;

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');
}
