using System.Diagnostics;
using System.Globalization;

namespace EventStore.Testing;

/// <summary>
/// Records each local cluster and each pgbouncer in the file named by the environment variable
/// <c>EVENTSTORE_TEST_CLUSTERS_FILE</c>, when it is set, so that whoever set it can check after the run that none of
/// the run's servers outlived it. The repository's build does: it checks only its own run's servers, on any operating
/// system.
/// </summary>
/// <remarks>
/// One tab-separated line per fact: the server's folder alone before anything runs in it, so a server that fails to
/// start is checked too; then, each time a server process accepts connections, the folder, the process id, the
/// process's start time in UTC ticks, and the program (<c>postgres</c> or <c>pgbouncer</c>). Process ids are reused,
/// so the start time tells the process apart.
/// </remarks>
internal static class ClusterRecord
{
    public const string FileVariable = "EVENTSTORE_TEST_CLUSTERS_FILE";

    // Servers start in parallel within one test run, and each line must arrive whole.
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
        if (RecordFile is null)
        {
            return;
        }

        // PostgreSQL writes the pid file before it accepts connections, so it names the postmaster that answered.
        var processId = int.Parse(File.ReadLines(Path.Combine(folder, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        Started(folder, "postgres", processId);
    }

    /// <summary>Records a server process; call it once the process accepts connections.</summary>
    /// <param name="folder">The folder the server runs in, recorded before by <see cref="Folder"/>.</param>
    /// <param name="program">The program the process runs, named in the build's message when the process outlives the run.</param>
    /// <param name="processId">The process's id.</param>
    public static void Started(string folder, string program, int processId)
    {
        if (RecordFile is not { } file)
        {
            return;
        }

        using var process = Process.GetProcessById(processId);
        var started = process.StartTime.ToUniversalTime().Ticks;
        Append(file, string.Join('\t', folder, processId.ToString(CultureInfo.InvariantCulture),
            started.ToString(CultureInfo.InvariantCulture), program));
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
