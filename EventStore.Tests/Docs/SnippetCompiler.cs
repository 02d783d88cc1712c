using EventStore.EventMap;
using EventStore.Tests.EventMap.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EventStore.Tests.Docs;

/// <summary>
/// Compiles a documentation snippet as a reader's project would: with the SDK's implicit usings, nullable on, the
/// packages of <see cref="SnippetReferences"/>, and the event-map and System.Text.Json generators running.
/// </summary>
internal static class SnippetCompiler
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // What ImplicitUsings gives a console project, the project a reader starts from.
    private static readonly SyntaxTree ImplicitUsings = CSharpSyntaxTree.ParseText(
        """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """,
        ParseOptions,
        "ImplicitUsings.g.cs");

    // One compilation holds the references, so every snippet shares their loaded metadata.
    private static readonly CSharpCompilation Empty = CSharpCompilation.Create(
        "DocumentationSnippet",
        [ImplicitUsings],
        SnippetReferences.All,
        new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            // The SDK silences these two in every project: a package built against an older version of a dependency
            // binds to the newer one NuGet resolved.
            specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    /// <summary>Compiles a snippet with the blocks it follows, and returns its warnings and errors.</summary>
    /// <param name="snippet">The snippet.</param>
    /// <returns>Each problem as <c>file(line,column): severity id: message</c>, followed by the code it points at.</returns>
    public static IReadOnlyList<string> Problems(Snippet snippet)
    {
        var sources = snippet.WithPreviousBlocks
            .Select((block, index) => SnippetSource.Create(block, $"SnippetContext{index}", ParseOptions))
            .ToList();
        // Top-level statements make a program; a block of declarations alone is a library.
        var kind = sources.Any(source => source.HasTopLevelStatements) ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;
        var compilation = Empty.AddSyntaxTrees(sources.Select(source => source.Tree)).WithOptions(Empty.Options.WithOutputKind(kind));
        CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return [.. generatorDiagnostics.Concat(output.GetDiagnostics())
            .Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning)
            .Select(diagnostic => Describe(diagnostic, sources))];
    }

    private static CSharpGeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new EventMapGenerator().AsSourceGenerator(), JsonSourceGenerator.Instance.AsSourceGenerator()],
            parseOptions: ParseOptions);

    // The event-map generator reports its diagnostics at external-file locations of the tree's path, so locations are
    // matched by path rather than by tree.
    private static string Describe(Diagnostic diagnostic, List<SnippetSource> sources)
    {
        var span = diagnostic.Location.GetLineSpan();
        var source = span.IsValid ? sources.Find(candidate => candidate.Tree.FilePath == span.Path) : null;
        return source is null ? diagnostic.ToString() : source.Describe(diagnostic, span);
    }
}
