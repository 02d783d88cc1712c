using System.Diagnostics;
using System.Globalization;
using EventStore.Testing;
using Npgsql;
using static EventStore.Tests.Harness.ProcessChecks;

namespace EventStore.Tests.Harness;

public sealed class LocalClusterTests
{
    private string _binaries = null!;

    [SetUp]
    public void FindBinaries()
    {
        var binaries = PostgresBinaries.Find();
        Assume.That(binaries, Is.Not.Null, "these tests need the PostgreSQL server binaries on this machine");
        _binaries = binaries!;
    }

    [Test]
    public async Task Disposing_a_local_cluster_stops_its_server_and_deletes_its_folder()
    {
        var cluster = await LocalCluster.StartAsync(_binaries, TimeSpan.FromSeconds(60), CancellationToken.None);
        var postmaster = PostmasterProcessId(cluster.Folder);
        Process.GetProcessById(postmaster).HasExited.ShouldBeFalse();

        await cluster.DisposeAsync();

        Directory.Exists(cluster.Folder).ShouldBeFalse();
        IsRunning(postmaster).ShouldBeFalse();
    }

    [Test]
    public async Task A_local_cluster_is_torn_down_when_its_owner_dies_without_disposing_it()
    {
        var folder = Directory.CreateTempSubdirectory("eventstore-pg-").FullName;
        var port = LocalCluster.FreeLoopbackPort();
        var user = Environment.IsPrivilegedProcess ? UnprivilegedUser.Find() : string.Empty;
        // The owner is a shell that holds the script's input open and is then killed outright,
        // as a test run killed by a CI timeout would be.
        var owner = Process.Start(new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c", "exec 3> >(exec setsid --wait bash -c \"$1\" run-cluster \"$2\" \"$3\" \"$4\" \"$5\"); exec sleep 600",
                "owner", LocalCluster.ReadScript(), folder, port.ToString(CultureInfo.InvariantCulture), _binaries, user,
            },
        })!;
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Pooling=false";
        await WaitUntilAsync(() => AcceptsConnectionsAsync(connectionString), "the owner's cluster to start");
        var postmaster = PostmasterProcessId(folder);

        owner.Kill();
        await owner.WaitForExitAsync();

        await WaitUntilAsync(() => Task.FromResult(!Directory.Exists(folder) && !IsRunning(postmaster)), "the orphaned cluster to be torn down");
    }

    [Test]
    [NonParallelizable] // points the process-wide variable that every cluster start reads at a file of its own
    public async Task Each_local_cluster_and_each_of_its_postmasters_is_recorded_in_the_file_the_build_names()
    {
        var scratch = Directory.CreateTempSubdirectory("eventstore-record-").FullName;
        var record = Path.Combine(scratch, "test-results", "local-clusters.txt");
        var buildRecord = Environment.GetEnvironmentVariable(ClusterRecord.FileVariable);
        Environment.SetEnvironmentVariable(ClusterRecord.FileVariable, record);
        try
        {
            var cluster = await LocalCluster.StartAsync(_binaries, TimeSpan.FromSeconds(60), CancellationToken.None);
            await using (cluster)
            {
                var first = PostmasterProcessId(cluster.Folder);
                await cluster.RestartAsync(CancellationToken.None);
                var second = PostmasterProcessId(cluster.Folder);

                var lines = File.ReadAllLines(record).Select(line => line.Split('\t')).ToList();
                lines.Select(fields => fields[0]).ShouldBe([cluster.Folder, cluster.Folder, cluster.Folder]);
                lines[0].Length.ShouldBe(1, "the folder is recorded alone before the server starts");
                lines.Skip(1).Select(fields => int.Parse(fields[1], CultureInfo.InvariantCulture)).ShouldBe([first, second]);
                RecordedStart(lines[2]).ShouldBe(StartTime(second), TimeSpan.FromSeconds(1));
                lines.Skip(1).Select(fields => fields[3]).ShouldBe(["postgres", "postgres"], "the build names the program that outlived the run");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClusterRecord.FileVariable, buildRecord);
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static DateTime RecordedStart(string[] fields) =>
        new(long.Parse(fields[2], CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static int PostmasterProcessId(string folder) =>
        int.Parse(File.ReadLines(Path.Combine(folder, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private static async Task<bool> AcceptsConnectionsAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
