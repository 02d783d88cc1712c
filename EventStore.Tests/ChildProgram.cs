using System.Diagnostics;

namespace EventStore.Tests;

/// <summary>Runs a built .NET program in a process of its own, against the database in EVENTSTORE_CONNECTION.</summary>
internal static class ChildProgram
{
    /// <param name="program">The program's dll.</param>
    /// <param name="connectionString">The database the program is to use.</param>
    /// <param name="timeout">How long it may run before it is killed and the test fails.</param>
    /// <param name="arguments">Its command-line arguments.</param>
    /// <param name="environment">Environment variables to set besides EVENTSTORE_CONNECTION.</param>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string program, string connectionString, TimeSpan timeout, IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        File.Exists(program).ShouldBeTrue($"{program} should have been built with the tests");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { program },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["EVENTSTORE_CONNECTION"] = connectionString;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(program)} did not exit within {timeout.TotalSeconds} s. Output:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }
}
