using System.Diagnostics;
using EventStore.Testing;

namespace EventStore.Benchmarks;

/// <summary>The pgbouncer the run puts in front of its servers, named as the report shows it.</summary>
internal static class PgBouncerProgram
{
    /// <summary>Asks the installed pgbouncer its version.</summary>
    /// <returns>The first line of <c>pgbouncer --version</c>, such as "PgBouncer 1.18.0"; <see langword="null"/> when none is installed.</returns>
    public static async Task<string?> DescribeAsync()
    {
        if (PgBouncer.FindBinary() is not { } binary)
        {
            return null;
        }

        var startInfo = new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{binary} --version did not start.");
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        return output.Split('\n')[0].Trim();
    }
}
