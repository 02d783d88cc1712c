using EventStore.Tests.Docs;

namespace EventStore.Tests.Dapper;

/// <summary>
/// Takes SQL out of a C# block of the repository's README, so a test runs exactly what the README shows and follows it
/// when it changes.
/// </summary>
internal static class ReadmeSql
{
    /// <summary>
    /// The text of the raw string literal that the README's one C# block declaring <paramref name="constantName"/>
    /// assigns to it, with the indentation of its closing quotes removed, as the compiler does.
    /// </summary>
    public static string RawStringConstant(string constantName)
    {
        var declaration = $"const string {constantName} = \"\"\"";
        var blocks = MarkdownSnippets.Read("README.md", DocumentationFiles.Read("README.md"))
            .Select(block => block.Code)
            .Where(code => code.Contains(declaration, StringComparison.Ordinal))
            .ToList();
        blocks.Count.ShouldBe(1, $"the README should have exactly one C# block declaring {constantName}");

        var lines = blocks[0].Split('\n').SkipWhile(line => !line.Contains(declaration, StringComparison.Ordinal)).Skip(1).ToList();
        var closing = lines.FindIndex(line => line.TrimStart().StartsWith("\"\"\"", StringComparison.Ordinal));
        closing.ShouldBeGreaterThan(0, $"{constantName} should be a multi-line raw string literal");
        var indentation = lines[closing].Length - lines[closing].TrimStart().Length;
        return string.Join('\n', lines.Take(closing).Select(line => line.Length >= indentation ? line[indentation..] : line.TrimStart()));
    }
}
