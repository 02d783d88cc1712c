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
        var (exitCode, output, errors) = await ChildProgram.RunAsync(
            ProgramPath(), connectionString, Timeout, replaceMappings ? [ReplaceMappingsArgument] : [],
            new Dictionary<string, string> { ["TZ"] = TimeZone });

        exitCode.ShouldBe(0, $"the isolation program failed:\n{output}\n{errors}");
        return JsonSerializer.Deserialize<IsolationReport>(output)
            ?? throw new InvalidOperationException("The isolation program printed no report.");
    }

    /// <summary>The program's assembly, as its own build wrote it; EventStore.Tests.csproj records the path.</summary>
    private static string ProgramPath()
    {
        var path = typeof(IsolationProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == "DapperIsolationProgram")?.Value;
        path.ShouldNotBeNullOrEmpty("the test project records where EventStore.Tests.DapperIsolation was built");
        return path;
    }
}
