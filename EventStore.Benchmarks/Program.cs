using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EventStore.Benchmarks;
using EventStore.Testing;

// Events each store holds before anything is measured; see BenchEnvironment.WarmUpAsync.
const int WarmUpEvents = 50_000;
var quick = args.Contains("--quick", StringComparer.Ordinal);
// "--only 1,3" runs just those numbered scenarios and prints them, for quick checks while working on one path; the
// charts then go to artifacts/benchmarks and the report is left alone.
var only = args.SkipWhile(arg => arg != "--only").Skip(1).FirstOrDefault()?.Split(',')
    .Select(number => int.Parse(number, CultureInfo.InvariantCulture)).ToHashSet();
var root = FindRepositoryRoot();

// The growth measurement runs on its own, without the scenarios; see GrowthRun.
if (args.Contains(GrowthOptions.Switch, StringComparer.Ordinal))
{
    await GrowthRun.RunAsync(GrowthOptions.Parse(args), root).ConfigureAwait(false);
    return;
}

if (args.Contains(GrowthOptions.RenderSwitch, StringComparer.Ordinal))
{
    await GrowthRun.RenderAsync(root).ConfigureAwait(false);
    return;
}

// "--catch-up" runs only scenario 6, on both servers, and replaces only its section of the report; see CatchUpRun.
if (args.Contains(CatchUpRun.Switch, StringComparer.Ordinal))
{
    await CatchUpRun.RunAndReportAsync(root, WarmUpEvents).ConfigureAwait(false);
    return;
}

// In process, so every benchmark shares the one server this process has started at the time.
var job = (quick
    ? Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
    : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(root, "artifacts", "benchmarks"));

// Without pgbouncer the run goes on without the contender that needs it, and the report says so.
var pgBouncer = await PgBouncerProgram.DescribeAsync().ConfigureAwait(false);
if (pgBouncer is null)
{
    Console.WriteLine($"Skipping {ContenderNames.Display(ContenderNames.OursViaPgBouncer)}: {PgBouncer.MissingBinaryMessage}");
    config = config.AddFilter(new SimpleFilter(benchmark => benchmark.Descriptor.WorkloadMethod.Name != ContenderNames.OursViaPgBouncer));
}

Scenario[] scenarios =
[
    new("1. Append 1 event per transaction to a new aggregate", "Append 1/tx", typeof(AppendOneBenchmarks), 1, Appends: true),
    new("2. Append 100 events per transaction to a new aggregate", "Append 100/tx", typeof(AppendHundredBenchmarks), AppendHundredBenchmarks.Count, Appends: true),
    new("3. Read a 1,000-event aggregate stream into objects", "Read stream", typeof(ReadStreamBenchmarks), ReadStreamBenchmarks.Count, Appends: false),
    new("4. Scan 10,000 events of the global log in pages of 500", "Scan log", typeof(GlobalScanBenchmarks), GlobalScanBenchmarks.Count, Appends: false,
        "Marten's row is a LINQ query, `QueryAllRawEvents()` filtered and ordered by sequence, over its own 10,000 events; it has no dedicated page-by-position read."),
];
var selected = scenarios.Where((_, index) => only is null || only.Contains(index + 1)).ToList();
var measured = new List<MeasuredScenario>();
var servers = new List<ServerSettings>();
var contention = new ContentionRun(writers: 8, aggregates: 4, duration: TimeSpan.FromSeconds(2));
IReadOnlyList<ContentionResult> contentionResults = [];
var runCatchUp = only is null || only.Contains(6);
var catchUp = new List<CatchUpResult>();

// Every scenario runs with fsync off, where the server's flushes do not hide the library's own cost; the appends run
// again with fsync on, which is what users run. One server at a time, so the two never compete for the machine.
await using (var server = await BenchServer.StartAsync(durable: false, WarmUpEvents, withPgBouncer: pgBouncer is not null).ConfigureAwait(false))
{
    servers.Add(server.Settings);
    Measure(selected, server.Settings);
    if (only is null || only.Contains(5))
    {
        contentionResults = await contention.RunAllAsync().ConfigureAwait(false);
        foreach (var result in contentionResults)
        {
            Console.WriteLine($"Contention {result.Contender}: {result.PerSecond:0} appends/s, {result.Succeeded} succeeded, {result.Failed} failed {result.FirstError}");
        }
    }

    if (runCatchUp)
    {
        catchUp.AddRange(await CatchUpRun.RunAllAsync(server.Settings).ConfigureAwait(false));
    }
}

if (selected.Any(scenario => scenario.Appends) || runCatchUp)
{
    await using var server = await BenchServer.StartAsync(durable: true, WarmUpEvents, withPgBouncer: pgBouncer is not null).ConfigureAwait(false);
    servers.Add(server.Settings);
    Measure(selected.Where(scenario => scenario.Appends), server.Settings);
    if (runCatchUp)
    {
        catchUp.AddRange(await CatchUpRun.RunAllAsync(server.Settings).ConfigureAwait(false));
    }
}

// Both modes of one scenario side by side, in scenario order.
var ordered = measured.OrderBy(result => Array.IndexOf(scenarios, result.Scenario)).ThenBy(result => result.Server.Durable).ToList();
var charts = only is null ? Path.Combine(root, "docs", "benchmarks") : Path.Combine(root, "artifacts", "benchmarks");
if (ordered.Count > 0)
{
    foreach (var chart in ChartWriter.Write(charts, ordered))
    {
        Console.WriteLine($"Wrote {chart}");
    }
}

if (catchUp.Count > 0)
{
    Console.WriteLine($"Wrote {CatchUpChartWriter.Write(charts, catchUp)}");
}

if (only is null)
{
    var path = Path.Combine(root, "docs", "benchmarks.md");
    // The growth section comes from a run of its own, which takes long, so this run carries it over.
    var growth = GrowthSection.Find(File.Exists(path) ? await File.ReadAllTextAsync(path).ConfigureAwait(false) : string.Empty);
    var report = ReportWriter.Render(servers, pgBouncer, quick, WarmUpEvents, ordered, contention, contentionResults, catchUp, growth);
    await File.WriteAllTextAsync(path, report).ConfigureAwait(false);
    Console.WriteLine($"Wrote {path}");
}

void Measure(IEnumerable<Scenario> toRun, ServerSettings server)
{
    foreach (var scenario in toRun)
    {
        measured.Add(MeasuredScenario.From(scenario, server, BenchmarkRunner.Run(scenario.Benchmarks, config)));
    }
}

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "EventStore.sln")))
        {
            return folder.FullName;
        }
    }

    throw new InvalidOperationException("EventStore.sln was not found above " + AppContext.BaseDirectory);
}
