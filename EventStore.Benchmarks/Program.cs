using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EventStore.Benchmarks;
using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;

// Events each store holds before anything is measured; see BenchEnvironment.WarmUpAsync.
const int WarmUpEvents = 50_000;
var quick = args.Contains("--quick", StringComparer.Ordinal);
// "--only 1,3" runs just those numbered scenarios and prints them, for quick checks while working on one path.
var only = args.SkipWhile(arg => arg != "--only").Skip(1).FirstOrDefault()?.Split(',')
    .Select(number => int.Parse(number, CultureInfo.InvariantCulture)).ToHashSet();
var root = FindRepositoryRoot();

await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { Log = Console.WriteLine }).ConfigureAwait(false);
await using var database = await server.CreateDatabaseAsync().ConfigureAwait(false);
string serverVersion;
await using (var connection = new NpgsqlConnection(database.ConnectionString))
{
    await connection.OpenAsync().ConfigureAwait(false);
    await using (var ddl = new NpgsqlCommand(MigrationEmitter.Render(EventStoreOptions.Default), connection))
    {
        await ddl.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    await using var version = new NpgsqlCommand("SHOW server_version", connection);
    serverVersion = (string)(await version.ExecuteScalarAsync().ConfigureAwait(false))!;
}

await BenchEnvironment.InitializeAsync(database.ConnectionString).ConfigureAwait(false);
await BenchEnvironment.WarmUpAsync(WarmUpEvents).ConfigureAwait(false);
try
{
    // In process, so every benchmark shares the one server this process started.
    var job = (quick
        ? Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
        : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
    var config = DefaultConfig.Instance
        .AddJob(job)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .WithArtifactsPath(Path.Combine(root, "artifacts", "benchmarks"));

    Scenario[] scenarios =
    [
        new("1. Append 1 event per transaction to a new aggregate", typeof(AppendOneBenchmarks), 1),
        new("2. Append 100 events per transaction to a new aggregate", typeof(AppendHundredBenchmarks), AppendHundredBenchmarks.Count),
        new("3. Read a 1,000-event aggregate stream into objects", typeof(ReadStreamBenchmarks), ReadStreamBenchmarks.Count),
        new("4. Scan 10,000 events of the global log in pages of 500", typeof(GlobalScanBenchmarks), GlobalScanBenchmarks.Count,
            "Marten's row is a LINQ query, `QueryAllRawEvents()` filtered and ordered by sequence, over its own 10,000 events; it has no dedicated page-by-position read."),
    ];
    var results = new List<(Scenario, Summary)>();
    for (var index = 0; index < scenarios.Length; index++)
    {
        if (only is null || only.Contains(index + 1))
        {
            results.Add((scenarios[index], BenchmarkRunner.Run(scenarios[index].Benchmarks, config)));
        }
    }

    var contention = new ContentionRun(writers: 8, aggregates: 4, duration: TimeSpan.FromSeconds(2));
    IReadOnlyList<ContentionResult> contentionResults = [];
    if (only is null || only.Contains(5))
    {
        contentionResults = await contention.RunAllAsync().ConfigureAwait(false);
        foreach (var result in contentionResults)
        {
            Console.WriteLine($"Contention {result.Contender}: {result.PerSecond:0} appends/s, {result.Succeeded} succeeded, {result.Failed} failed {result.FirstError}");
        }
    }

    if (only is not null && !only.Contains(6))
    {
        return;
    }

    var catchUp = await CatchUpRun.RunAsync(100_000).ConfigureAwait(false);
    Console.WriteLine($"Catch-up: {catchUp.Events} events in {catchUp.Elapsed.TotalSeconds:0.00} s, {catchUp.AllocatedPerEvent:0} B allocated per event");
    if (only is not null)
    {
        return;
    }

    var report = ReportWriter.Render(serverVersion, quick, WarmUpEvents, results, contention, contentionResults, catchUp);
    var path = Path.Combine(root, "docs", "benchmarks.md");
    await File.WriteAllTextAsync(path, report).ConfigureAwait(false);
    Console.WriteLine($"Wrote {path}");
}
finally
{
    await BenchEnvironment.DisposeAsync().ConfigureAwait(false);
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
