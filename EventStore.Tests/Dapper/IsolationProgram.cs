using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using EventStore.Tests.DapperIsolation;

namespace EventStore.Tests.Dapper;

/// <summary>
/// Runs EventStore.Tests.DapperIsolation in a process of its own, where no other test has touched Dapper's process-wide
/// type map, and reads back its report.
/// </summary>
internal static class IsolationProgram
{
    /// <summary>
    /// Dapper as shipped gives a <c>timestamp without time zone</c> read into a <see cref="DateTimeOffset"/> property the
    /// machine's local offset; a zone away from UTC makes that visible, and the same on every machine.
    /// </summary>
    public const string TimeZone = "Europe/Berlin";

    private const string ReplaceMappingsArgument = "--replace-guid-and-datetimeoffset-mappings";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static async Task<IsolationReport> RunAsync(string connectionString, bool replaceMappings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ProgramPath() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (replaceMappings)
        {
            start.ArgumentList.Add(ReplaceMappingsArgument);
        }

        start.Environment["EVENTSTORE_CONNECTION"] = connectionString;
        start.Environment["TZ"] = TimeZone;

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
            Assert.Fail($"The isolation program did not exit within {Timeout.TotalSeconds} s. Output:\n{await output}\n{await errors}");
        }

        process.ExitCode.ShouldBe(0, $"the isolation program failed:\n{await output}\n{await errors}");
        return JsonSerializer.Deserialize<IsolationReport>(await output)
            ?? throw new InvalidOperationException("The isolation program printed no report.");
    }

    /// <summary>The program's assembly, as its own build wrote it; EventStore.Tests.csproj records the path.</summary>
    private static string ProgramPath()
    {
        var path = typeof(IsolationProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == "DapperIsolationProgram")?.Value;
        path.ShouldNotBeNullOrEmpty("the test project records where EventStore.Tests.DapperIsolation was built");
        File.Exists(path).ShouldBeTrue($"{path} should have been built with the tests");
        return path;
    }
}
