using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EventStore.Testing;

/// <summary>Finds the <c>pgbouncer</c> program, and asks it its version.</summary>
internal static partial class PgBouncerBinary
{
    /// <summary>Names the program to use; when it is set, neither PATH nor the Debian location is searched.</summary>
    public const string Variable = "EVENTSTORE_TEST_PGBOUNCER";

    /// <summary>Where the Debian package installs the program, outside a normal user's PATH.</summary>
    private const string DebianPath = "/usr/sbin/pgbouncer";

    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named)
        {
            return File.Exists(named) ? Path.GetFullPath(named) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "pgbouncer"))
            .Append(DebianPath)
            .FirstOrDefault(File.Exists);
    }

    public static string MissingMessage() =>
        (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named
            ? $"PgBouncer is not available: the environment variable {Variable} names {named}, which does not exist. "
            : $"PgBouncer is not installed: there is no pgbouncer on PATH or at {DebianPath}. ") +
        "On Debian or Ubuntu, install the package pgbouncer (apt-get install pgbouncer); elsewhere, install PgBouncer " +
        $"and put pgbouncer on PATH or name it in {Variable}.";

    public static async Task<Version> ReadVersionAsync(string binary, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"{binary} --version did not start.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var match = VersionLine().Match(output);
        return match.Success
            ? Version.Parse(match.Groups["version"].Value)
            : throw new InvalidOperationException($"{binary} --version printed no line 'PgBouncer <version>':{Environment.NewLine}{output}");
    }

    /// <summary>
    /// The signal that stops a pgbouncer of this version at once. SIGTERM did, until PgBouncer 1.23 made it wait for
    /// every client to disconnect, which pooled idle client connections never do; SIGQUIT does since.
    /// </summary>
    public static string ImmediateShutdownSignal(Version version) => version >= new Version(1, 23) ? "QUIT" : "TERM";

    // The first line of `pgbouncer --version` is "PgBouncer 1.18.0"; a release candidate adds a suffix, such as "rc1".
    [GeneratedRegex(@"^PgBouncer (?<version>\d+\.\d+(\.\d+)?)", RegexOptions.Multiline)]
    private static partial Regex VersionLine();
}
