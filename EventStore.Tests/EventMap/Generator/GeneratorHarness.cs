using System.Collections.Immutable;
using EventStore.EventMap;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>Compiles C# snippets against the runtime and EventStore.Core, and runs the generators over them.</summary>
internal static class GeneratorHarness
{
    // Diagnose mode makes missing XML docs on generated public members a warning the tests can see.
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> References = LoadReferences();

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "EventMapSnippets",
            sources.Select((source, index) => Parse(source, $"Snippet{index}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>Creates a driver with the event map generator and, unless told otherwise, System.Text.Json's.</summary>
    /// <param name="withJsonGenerator">Whether to run System.Text.Json's source generator too.</param>
    /// <returns>A driver that tracks its incremental steps.</returns>
    public static GeneratorDriver CreateDriver(bool withJsonGenerator = true)
    {
        ISourceGenerator[] generators = withJsonGenerator
            ? [new EventMapGenerator().AsSourceGenerator(), JsonSourceGenerator.Instance.AsSourceGenerator()]
            : [new EventMapGenerator().AsSourceGenerator()];
        return CSharpGeneratorDriver.Create(
            generators,
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    public static GeneratorRun Run(params string[] sources) => Run(Compile(sources));

    public static GeneratorRun Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        var ran = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorRun(ran, output);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // Only the shared framework's assemblies: the test run's own dependencies must not leak into the snippets.
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal));
        return [.. platform.Append(typeof(Event).Assembly.Location).Distinct().Select(path => MetadataReference.CreateFromFile(path))];
    }
}
