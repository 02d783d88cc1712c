using System.Collections.Immutable;
using EventStore.EventMap;
using Microsoft.CodeAnalysis;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>What one run of the generators over some snippets produced.</summary>
/// <param name="Driver">The driver after the run, to run again incrementally.</param>
/// <param name="Output">The snippets' compilation with every generated file added.</param>
internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Output)
{
    /// <summary>Gets the event map generator's part of the run.</summary>
    public GeneratorRunResult EventMap =>
        Driver.GetRunResult().Results.Single(result => result.Generator.GetGeneratorType() == typeof(EventMapGenerator));

    /// <summary>Gets the diagnostics the event map generator reported.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => EventMap.Diagnostics;

    /// <summary>Gets the warnings and errors of compiling the snippets with all generated code.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        Output.GetDiagnostics().Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning).ToList();

    /// <summary>Returns the snippet text a diagnostic points at.</summary>
    /// <param name="diagnostic">A diagnostic located in one of the snippets.</param>
    /// <returns>The text of the diagnostic's span.</returns>
    public string TextAt(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var tree = Output.SyntaxTrees.Single(tree => tree.FilePath == span.Path);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    /// <summary>Returns the text of a file the event map generator added.</summary>
    /// <param name="hintName">The file's hint name, such as <c>Users.UserEventMapper.EventMap.g.cs</c>.</param>
    /// <returns>The generated source.</returns>
    public string Source(string hintName) =>
        EventMap.GeneratedSources.Single(source => source.HintName == hintName).SourceText.ToString();
}
