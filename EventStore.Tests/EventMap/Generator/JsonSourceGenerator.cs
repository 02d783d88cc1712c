using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>
/// System.Text.Json's own source generator, loaded from the targeting pack of the running runtime, so snippets compile
/// end to end: the event map generator only names the JSON context's members, and this generator writes them.
/// </summary>
internal static class JsonSourceGenerator
{
    private const string GeneratorTypeName = "System.Text.Json.SourceGeneration.JsonSourceGenerator";

    private static readonly Lazy<IIncrementalGenerator> Loaded = new(Load);

    public static IIncrementalGenerator Instance => Loaded.Value;

    private static IIncrementalGenerator Load()
    {
        var assembly = Assembly.LoadFrom(AssemblyPath());
        var type = assembly.GetType(GeneratorTypeName, throwOnError: true)!;
        return (IIncrementalGenerator)Activator.CreateInstance(type, nonPublic: true)!;
    }

    private static string AssemblyPath()
    {
        // The runtime lives in <dotnet>/shared/Microsoft.NETCore.App/<version>/; the packs are beside shared/.
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var packs = new DirectoryInfo(Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref"));
        var major = Environment.Version.Major + ".";
        var candidates = packs.Exists
            ? packs.GetDirectories(major + "*")
                .Select(pack => Path.Combine(pack.FullName, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
                .Where(File.Exists)
                .OrderByDescending(path => path, StringComparer.Ordinal)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0]
            : throw new FileNotFoundException($"No System.Text.Json source generator for .NET {Environment.Version.Major} under {packs.FullName}.");
    }
}
