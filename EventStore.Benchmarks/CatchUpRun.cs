using System.Diagnostics;
using EventStore.Dapper;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>
/// Scenario 6, timed by hand: a <see cref="ConsumerProcessor"/> catches up from scratch over events already stored, once
/// per <see cref="CatchUpConsumerKind"/> and round. Ours only: the other contenders have no processor with the same
/// guarantees.
/// </summary>
internal static class CatchUpRun
{
    /// <summary>Runs only this scenario, on a server with fsync off and then one with fsync on, and replaces only its section of the report.</summary>
    public const string Switch = "--catch-up";

    public const int Events = 100_000;

    /// <summary>Each consumer runs this often, in turn with the others, since other work on the machine shows as noise; the report takes the median.</summary>
    public const int Rounds = 3;

    private const string AggregateType = "CatchUp";

    /// <summary>Stores <see cref="Events"/> events and times every consumer over them, <see cref="Rounds"/> times each.</summary>
    public static async Task<IReadOnlyList<CatchUpResult>> RunAllAsync(ServerSettings server)
    {
        for (var written = 0; written < Events; written += 100)
        {
            await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            var batch = SampleEvents.For(AggregateType, SampleEvents.NewAggregateId("catch-up"), 100);
            await Contenders.Store.AppendAsync(transaction, ExpectedVersion.Any, batch).ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }

        // As a consumer catching up in production would, it reads a log whose statistics know these events.
        await ExecuteAsync("ANALYZE events").ConfigureAwait(false);
        var results = new List<CatchUpResult>();
        for (var round = 1; round <= Rounds; round++)
        {
            foreach (var kind in CatchUpConsumerKind.All)
            {
                var result = await RunAsync(server, round, kind).ConfigureAwait(false);
                Console.WriteLine($"Catch-up, {server.Mode}, round {round}, {kind.Display}: {result.Events} events in {result.Elapsed.TotalSeconds:0.00} s, " +
                    $"{result.PerSecond:0}/s, {result.AllocatedPerEvent:0} B allocated and {result.MicrosecondsOfCpuPerEvent:0.0} µs of CPU per event, load {result.Load}");
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>Runs <see cref="Switch"/>: both servers in turn, then the chart and the report's catch-up section.</summary>
    public static async Task RunAndReportAsync(string root, int warmUpEvents)
    {
        var results = new List<CatchUpResult>();
        foreach (var durable in new[] { false, true })
        {
            await using var server = await BenchServer.StartAsync(durable, warmUpEvents, withPgBouncer: false).ConfigureAwait(false);
            results.AddRange(await RunAllAsync(server.Settings).ConfigureAwait(false));
        }

        Console.WriteLine($"Wrote {CatchUpChartWriter.Write(Path.Combine(root, "docs", "benchmarks"), results)}");
        var path = Path.Combine(root, "docs", "benchmarks.md");
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path).ConfigureAwait(false) : string.Empty;
        await File.WriteAllTextAsync(path, CatchUpReportWriter.Section.Replace(existing, CatchUpReportWriter.Render(results))).ConfigureAwait(false);
        Console.WriteLine($"Wrote {path}");
    }

    private static async Task<CatchUpResult> RunAsync(ServerSettings server, int round, CatchUpConsumerKind kind)
    {
        // Each consumer starts on an empty read model, and under a name of its own, so from an empty checkpoint.
        await ExecuteAsync(ReadModelTable.Create).ConfigureAwait(false);
        var load = Load();
        var options = new ConsumerProcessorOptions();
        var progress = new CatchUpProgress(Events);
        var consumer = kind.Create($"bench-{kind.Key}-{round}", AggregateType, progress);
        var processor = new ConsumerProcessor(BenchEnvironment.DataSource, [consumer], options);
        using var stop = new CancellationTokenSource();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var running = processor.RunAsync(stop.Token);
        await progress.Done.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        await stop.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        return new CatchUpResult(server, round, kind, Events, options.BatchSize, elapsed, allocated, cpu, load);
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The first three fields of /proc/loadavg, which uptime prints; other engineers' work shares the machine.</summary>
    private static string Load() => File.Exists("/proc/loadavg")
        ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
        : "unknown";
}
