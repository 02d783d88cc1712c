using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventStore.Tests.Docs;

/// <summary>
/// A block as the compiler sees it, and the markdown line each of its lines came from, so that every diagnostic,
/// the compiler's and the generators' alike, is reported at its line in the markdown.
/// </summary>
/// <remarks>
/// The block's code is compiled as written. Each context variable becomes a static field of a class appended after
/// the code (types must follow top-level statements), which the block imports with <c>using static</c>: the block
/// reads the variable as if an earlier block had declared it, and a local of the same name in the block hides it.
/// </remarks>
internal sealed class SnippetSource
{
    // A line the check adds, with no markdown line of its own.
    private const int Added = 0;

    private readonly string _file;
    private readonly List<string> _lines = [];
    private readonly List<int> _markdownLines = [];

    private SnippetSource(Snippet block, string contextClass, CSharpParseOptions parseOptions)
    {
        _file = block.File;
        var code = block.Code.Split('\n');
        if (block.Context.Count > 0)
        {
            Add($"using static {QualifiedName(block.Code, contextClass, parseOptions)};", Added);
        }

        for (var index = 0; index < code.Length; index++)
        {
            Add(code[index], block.FirstCodeLine + index);
        }

        if (block.Context.Count > 0)
        {
            AddContextClass(block.Context, contextClass);
        }

        Tree = CSharpSyntaxTree.ParseText(string.Join('\n', _lines), parseOptions, block.Name);
    }

    public SyntaxTree Tree { get; }

    public bool HasTopLevelStatements => Tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();

    public static SnippetSource Create(Snippet block, string contextClass, CSharpParseOptions parseOptions) =>
        new(block, contextClass, parseOptions);

    /// <summary>Describes a diagnostic located in this source as <c>file(line,column): severity id: message</c> and the code.</summary>
    /// <param name="diagnostic">The diagnostic.</param>
    /// <param name="span">Its location's line span in this source's tree.</param>
    /// <returns>The description, in two lines.</returns>
    public string Describe(Diagnostic diagnostic, FileLinePositionSpan span)
    {
        var line = span.StartLinePosition.Line;
        var where = _markdownLines[line] == Added
            ? $"{Tree.FilePath}, in a line the check adds"
            : $"{_file}({_markdownLines[line]},{span.StartLinePosition.Character + 1})";
        var severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return $"{where}: {severity} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}{Environment.NewLine}    {_lines[line].Trim()}";
    }

    private void AddContextClass(IReadOnlyList<ContextVariable> context, string contextClass)
    {
        Add($"internal static class {contextClass}", Added);
        Add("{", Added);
        foreach (var variable in context)
        {
            Add($"    public static {variable.Type} {variable.Name} = default!;", variable.Line);
        }

        Add("}", Added);
    }

    private void Add(string line, int markdownLine)
    {
        _lines.Add(line);
        _markdownLines.Add(markdownLine);
    }

    // A file-scoped namespace takes the appended class in.
    private static string QualifiedName(string code, string contextClass, CSharpParseOptions parseOptions)
    {
        var fileScopedNamespace = CSharpSyntaxTree.ParseText(code, parseOptions).GetCompilationUnitRoot()
            .Members.OfType<FileScopedNamespaceDeclarationSyntax>().SingleOrDefault();
        return fileScopedNamespace is null ? contextClass : $"{fileScopedNamespace.Name}.{contextClass}";
    }
}
