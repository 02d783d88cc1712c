using System.Diagnostics;
using System.Globalization;

namespace EventStore.Testing;

/// <summary>
/// Records each local cluster in the file named by the environment variable <c>EVENTSTORE_TEST_CLUSTERS_FILE</c>, when
/// it is set, so that whoever set it can check after the run that no cluster of the run outlived it. The repository's
/// build does: it checks only its own run's clusters, on any operating system.
/// </summary>
/// <remarks>
/// One tab-separated line per fact: the cluster's folder alone before anything runs in it, so a cluster that fails to
/// start is checked too; then, each time its server accepts connections, the folder, the postmaster's process id and
/// the postmaster's start time in UTC ticks. Process ids are reused, so the start time tells the postmaster apart.
/// </remarks>
internal static class ClusterRecord
{
    public const string FileVariable = "EVENTSTORE_TEST_CLUSTERS_FILE";

    // Clusters start in parallel within one test run, and each line must arrive whole.
    private static readonly Lock Appending = new();

    private static string? RecordFile => Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } file ? file : null;

    public static void Folder(string folder)
    {
        if (RecordFile is { } file)
        {
            Append(file, folder);
        }
    }

    /// <summary>Records the postmaster that <c>postmaster.pid</c> names; call it once the server accepts connections.</summary>
    /// <param name="folder">The cluster's folder, which holds the data directory.</param>
    public static void Postmaster(string folder)
    {
        if (RecordFile is not { } file)
        {
            return;
        }

        // PostgreSQL writes the pid file before it accepts connections, so it names the postmaster that answered.
        var processId = int.Parse(File.ReadLines(Path.Combine(folder, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        using var postmaster = Process.GetProcessById(processId);
        var started = postmaster.StartTime.ToUniversalTime().Ticks;
        Append(file, string.Join('\t', folder, processId.ToString(CultureInfo.InvariantCulture), started.ToString(CultureInfo.InvariantCulture)));
    }

    private static void Append(string file, string line)
    {
        lock (Appending)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.AppendAllLines(file, [line]);
        }
    }
}
