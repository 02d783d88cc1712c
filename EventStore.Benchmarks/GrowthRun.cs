using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using EventStore.Testing;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>
/// Issue 16's growth measurement: each configuration's log is grown with SQL through the sizes asked for, and at each
/// size every operation is timed through the store. One throwaway server per fsync mode with PostgreSQL's default
/// memory settings, since a log that outgrows them is the point; one database per configuration, dropped before the next.
/// </summary>
internal static class GrowthRun
{
    /// <summary>
    /// What the "empty" log holds, loaded like the rest: enough streams for random reads and retries and room for a scan
    /// to start at random, few enough that every table and index stays in memory.
    /// </summary>
    public const long SeedEvents = 100_000;

    // Appends grow the log they are timed on; the cap keeps that growth small beside the empty log, however fast the server.
    private const int MaxAppendedPerRound = 10_000;

    private const int Rounds = 5;

    private static readonly TimeSpan RoundDuration = TimeSpan.FromSeconds(2);

    // Prepares the statements on the pooled connections and settles the caches before the rounds.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The longest timing at one log size, on the grown and the baseline log, without drawing the retries' sample.</summary>
    private static TimeSpan MeasureTime => (WarmUp + (RoundDuration * Rounds)) * GrowthOperation.All.Count * 2;

    public static async Task RunAsync(GrowthOptions options, string root)
    {
        var clock = Stopwatch.StartNew();
        var servers = new List<GrowthServerResult>();
        foreach (var durable in options.DurableModes)
        {
            servers.Add(await RunServerAsync(durable, options).ConfigureAwait(false));
        }

        var results = new GrowthResults(
            DateTimeOffset.UtcNow,
            $"{Environment.ProcessorCount} logical cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GB of memory, {RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture}",
            RuntimeInformation.FrameworkDescription,
            options.PartitionSize,
            SeedEvents,
            Rounds,
            RoundDuration.TotalSeconds,
            MaxAppendedPerRound,
            clock.Elapsed.TotalMinutes,
            servers);
        await File.WriteAllTextAsync(JsonPath(root), JsonSerializer.Serialize(results, Json)).ConfigureAwait(false);
        Console.WriteLine($"Wrote {JsonPath(root)}");
        await WriteReportAsync(results, root).ConfigureAwait(false);
        Console.WriteLine(GrowthEstimate.Describe(results, GrowthOptions.DefaultSizes, MeasureTime));
    }

    /// <summary>Draws the charts and the report section again from docs/benchmarks/growth.json.</summary>
    public static async Task RenderAsync(string root)
    {
        var results = JsonSerializer.Deserialize<GrowthResults>(await File.ReadAllTextAsync(JsonPath(root)).ConfigureAwait(false), Json)
            ?? throw new InvalidOperationException($"{JsonPath(root)} holds no results.");
        await WriteReportAsync(results, root).ConfigureAwait(false);
    }

    private static async Task WriteReportAsync(GrowthResults results, string root)
    {
        foreach (var chart in GrowthChartWriter.Write(Path.Combine(root, "docs", "benchmarks"), results))
        {
            Console.WriteLine($"Wrote {chart}");
        }

        var report = Path.Combine(root, "docs", "benchmarks.md");
        var existing = File.Exists(report) ? await File.ReadAllTextAsync(report).ConfigureAwait(false) : string.Empty;
        await File.WriteAllTextAsync(report, GrowthSection.Replace(existing, GrowthReportWriter.Render(results))).ConfigureAwait(false);
        Console.WriteLine($"Wrote the growth section of {report}");
    }

    private static string JsonPath(string root) => Path.Combine(root, "docs", "benchmarks", "growth.json");

    private static async Task<GrowthServerResult> RunServerAsync(bool durable, GrowthOptions options)
    {
        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { Durable = durable, Log = Console.WriteLine }).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        var settings = new ServerSettings(
            await BenchServer.ShowAsync(connection, "server_version").ConfigureAwait(false),
            await BenchServer.ShowAsync(connection, "fsync").ConfigureAwait(false),
            await BenchServer.ShowAsync(connection, "full_page_writes").ConfigureAwait(false),
            await BenchServer.ShowAsync(connection, "synchronous_commit").ConfigureAwait(false));
        if (settings.Durable != durable)
        {
            throw new InvalidOperationException(
                $"The growth run asked for a server with fsync {(durable ? "on" : "off")}, but {server.Description} runs with {settings.Describe()}. " +
                "Only a throwaway local cluster runs in either mode: unset EVENTSTORE_TEST_CONNECTION and stop the Docker engine.");
        }

        var series = new List<GrowthSeries>();
        foreach (var configuration in GrowthConfiguration.All)
        {
            series.Add(await RunConfigurationAsync(server, configuration, options, settings.Mode).ConfigureAwait(false));
        }

        return new GrowthServerResult(
            settings,
            await BenchServer.ShowAsync(connection, "shared_buffers").ConfigureAwait(false),
            await BenchServer.ShowAsync(connection, "max_wal_size").ConfigureAwait(false),
            series);
    }

    private static async Task<GrowthSeries> RunConfigurationAsync(PostgresServer server, GrowthConfiguration configuration, GrowthOptions options, string mode)
    {
        await using var log = await GrowthLog.CreateAsync(server, configuration, options.PartitionSize).ConfigureAwait(false);
        // The empty log, kept beside the growing one for the whole series, so every slowdown comes from timings seconds apart.
        await using var baseline = await GrowthLog.CreateAsync(server, configuration, options.PartitionSize).ConfigureAwait(false);
        await baseline.Loader.LoadAsync(SeedEvents).ConfigureAwait(false);
        await baseline.MaintainAsync().ConfigureAwait(false);
        var points = new List<GrowthPoint>();
        foreach (var size in options.Sizes)
        {
            Console.WriteLine($"Growth, {mode}, {configuration.Name}: loading to {Math.Max(size, SeedEvents):N0} events");
            var clock = Stopwatch.StartNew();
            var loaded = await log.Loader.LoadAsync(Math.Max(size, SeedEvents)).ConfigureAwait(false);
            var loading = clock.Elapsed;
            await log.MaintainAsync().ConfigureAwait(false);
            var maintenance = clock.Elapsed - loading;
            var events = await log.Loader.LastPositionAsync().ConfigureAwait(false);
            var bytes = await log.DatabaseBytesAsync().ConfigureAwait(false);
            clock.Restart();
            var measurements = await MeasureAsync(log, baseline).ConfigureAwait(false);
            var eventsAfter = await log.Loader.LastPositionAsync().ConfigureAwait(false);
            Console.WriteLine($"  loaded {loaded:N0} in {loading.TotalSeconds:0.0} s, vacuum and checkpoint {maintenance.TotalSeconds:0.0} s, " +
                $"measured in {clock.Elapsed.TotalSeconds:0} s: " + string.Join(", ", measurements.Select(m => $"{m.Operation} {m.Median:N0}/s ({m.Slowdown:0.00}×)")));
            points.Add(new GrowthPoint(size, events, eventsAfter, loaded, loading.TotalSeconds, maintenance.TotalSeconds, bytes, measurements));
        }

        return new GrowthSeries(configuration, points);
    }

    /// <summary>
    /// Every operation in turn, round after round, each timed on the grown log and on the baseline back to back, the
    /// order swapped every round, so a slow spell of the machine spreads over all of them and over both logs alike.
    /// </summary>
    private static async Task<IReadOnlyList<GrowthMeasurement>> MeasureAsync(GrowthLog log, GrowthLog baseline)
    {
        await log.PrepareAsync().ConfigureAwait(false);
        await baseline.PrepareAsync().ConfigureAwait(false);
        foreach (var operation in GrowthOperation.All)
        {
            await PerSecondAsync(operation, log, WarmUp).ConfigureAwait(false);
            await PerSecondAsync(operation, baseline, WarmUp).ConfigureAwait(false);
        }

        var grown = GrowthOperation.All.ToDictionary(operation => operation.Key, _ => new List<double>(), StringComparer.Ordinal);
        var empty = GrowthOperation.All.ToDictionary(operation => operation.Key, _ => new List<double>(), StringComparer.Ordinal);
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var operation in GrowthOperation.All)
            {
                var baselineFirst = round % 2 == 0;
                if (baselineFirst)
                {
                    empty[operation.Key].Add(await PerSecondAsync(operation, baseline, RoundDuration).ConfigureAwait(false));
                }

                grown[operation.Key].Add(await PerSecondAsync(operation, log, RoundDuration).ConfigureAwait(false));
                if (!baselineFirst)
                {
                    empty[operation.Key].Add(await PerSecondAsync(operation, baseline, RoundDuration).ConfigureAwait(false));
                }
            }
        }

        return [.. GrowthOperation.All.Select(operation => new GrowthMeasurement(operation.Key, grown[operation.Key], empty[operation.Key]))];
    }

    private static async Task<double> PerSecondAsync(GrowthOperation operation, GrowthLog log, TimeSpan duration)
    {
        var done = 0;
        var most = operation.Appends ? MaxAppendedPerRound / operation.EventsPerOperation : int.MaxValue;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration && done < most)
        {
            await operation.Run(log).ConfigureAwait(false);
            done++;
        }

        return done / clock.Elapsed.TotalSeconds;
    }
}
