using System.Text.RegularExpressions;

namespace EventStore.Tests.Dapper;

/// <summary>
/// Takes SQL out of a C# block of the repository's README, so a test runs exactly what the README shows and follows it
/// when it changes.
/// </summary>
internal static partial class ReadmeSql
{
    /// <summary>
    /// The text of the raw string literal that the README's one C# block declaring <paramref name="constantName"/>
    /// assigns to it, with the indentation of its closing quotes removed, as the compiler does.
    /// </summary>
    public static string RawStringConstant(string constantName)
    {
        var declaration = $"const string {constantName} = \"\"\"";
        var blocks = CSharpBlock().Matches(File.ReadAllText(FindReadme()))
            .Select(block => block.Groups["code"].Value)
            .Where(code => code.Contains(declaration, StringComparison.Ordinal))
            .ToList();
        blocks.Count.ShouldBe(1, $"the README should have exactly one C# block declaring {constantName}");

        var lines = blocks[0].Split('\n').SkipWhile(line => !line.Contains(declaration, StringComparison.Ordinal)).Skip(1).ToList();
        var closing = lines.FindIndex(line => line.TrimStart().StartsWith("\"\"\"", StringComparison.Ordinal));
        closing.ShouldBeGreaterThan(0, $"{constantName} should be a multi-line raw string literal");
        var indentation = lines[closing].Length - lines[closing].TrimStart().Length;
        return string.Join('\n', lines.Take(closing).Select(line => line.Length >= indentation ? line[indentation..] : line.TrimStart()));
    }

    private static string FindReadme()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EventStore.sln")))
            {
                return Path.Combine(folder.FullName, "README.md");
            }
        }

        throw new FileNotFoundException($"No EventStore.sln above {AppContext.BaseDirectory}, so no README to read.");
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();
}
