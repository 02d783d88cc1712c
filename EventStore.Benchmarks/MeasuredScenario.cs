using BenchmarkDotNet.Reports;

namespace EventStore.Benchmarks;

/// <summary>One scenario's rows as measured on one server.</summary>
internal sealed record MeasuredScenario(Scenario Scenario, ServerSettings Server, IReadOnlyList<ScenarioRow> Rows)
{
    /// <summary>The scenario's title, naming the server's mode where the scenario runs in both.</summary>
    public string Title => Scenario.Appends ? $"{Scenario.Title}, {Server.Mode}" : Scenario.Title;

    /// <summary>The chart label, two short lines.</summary>
    public string Label => Scenario.Appends ? $"{Scenario.Label}\n{Server.Mode}" : Scenario.Label;

    public ScenarioRow? Ours => Find("Ours");

    public static MeasuredScenario From(Scenario scenario, ServerSettings server, Summary summary) => new(
        scenario,
        server,
        summary.Reports
            .Where(report => report.ResultStatistics is not null)
            .Select(report => new ScenarioRow(
                report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                report.ResultStatistics!.Mean,
                report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)))
            .ToList());

    public ScenarioRow? Find(string method) => Rows.FirstOrDefault(row => row.Method == method);

    /// <summary>Throughput of ours ÷ throughput of <paramref name="method"/>: above 1, ours is faster.</summary>
    public double RatioTo(string method) =>
        Ours is { } ours && Find(method) is { } them ? them.MeanNanoseconds / ours.MeanNanoseconds : double.NaN;

    public double AllocatedPerEvent(ScenarioRow row) =>
        row.AllocatedBytes is { } bytes ? (double)bytes / Scenario.EventsPerOperation : double.NaN;
}
