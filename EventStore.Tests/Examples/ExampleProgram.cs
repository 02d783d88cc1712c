using System.Diagnostics;

namespace EventStore.Tests.Examples;

/// <summary>Runs an example's built program the way a user would, against the database in EVENTSTORE_CONNECTION.</summary>
internal static class ExampleProgram
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <param name="assemblyName">The example's dll, copied next to the tests because the test project references it.</param>
    /// <param name="connectionString">The database the example is to use.</param>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string assemblyName, string connectionString)
    {
        var program = Path.Combine(AppContext.BaseDirectory, assemblyName);
        File.Exists(program).ShouldBeTrue($"{program} should be copied into the test output");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { program },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["EVENTSTORE_CONNECTION"] = connectionString;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{assemblyName} did not exit within {Timeout.TotalSeconds} s. Output:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }
}
