using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using EventStore.Dapper;
using EventStore.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventStore.Tests.Docs;

/// <summary>
/// What a reader's project compiles against: the shared framework, and the packages the documentation has them
/// reference together with everything those depend on, as NuGet flows dependencies into a project.
/// </summary>
internal static class SnippetReferences
{
    // One type of each package the documentation uses. A snippet that needs another package fails with CS0246 until
    // the test project references that package and it is listed here.
    private static readonly Type[] Packages =
    [
        typeof(PostgresEventStore),                // EventStore.Dapper, bringing EventStore.Core, Dapper and Npgsql
        typeof(PostgresServer),                    // EventStore.Testing
        typeof(Host),                              // Microsoft.Extensions.Hosting
        typeof(NpgsqlServiceCollectionExtensions), // Npgsql.DependencyInjection
        typeof(OpenTelemetryServicesExtensions),   // OpenTelemetry.Extensions.Hosting
    ];

    public static ImmutableArray<MetadataReference> All { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var framework = FrameworkAssemblies();
        var packages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in Packages)
        {
            AddWithDependencies(package.Assembly.Location, framework, packages);
        }

        return [.. framework.Values.Concat(packages.Values).Select(path => MetadataReference.CreateFromFile(path))];
    }

    // Only the shared framework's own folder: the test run's other dependencies must not leak into the snippets.
    private static Dictionary<string, string> FrameworkAssemblies()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path)!, path => path, StringComparer.OrdinalIgnoreCase);
    }

    private static void AddWithDependencies(string path, Dictionary<string, string> framework, Dictionary<string, string> found)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (framework.ContainsKey(name) || !found.TryAdd(name, path))
        {
            return;
        }

        foreach (var dependency in ReferencedAssemblyNames(path))
        {
            var candidate = Path.Combine(AppContext.BaseDirectory, dependency + ".dll");
            if (File.Exists(candidate))
            {
                AddWithDependencies(candidate, framework, found);
            }
        }
    }

    // Read from the metadata rather than loaded, so resolving references runs no code of the packages.
    private static List<string> ReferencedAssemblyNames(string path)
    {
        using var image = new PEReader(File.OpenRead(path));
        var metadata = image.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))];
    }
}
