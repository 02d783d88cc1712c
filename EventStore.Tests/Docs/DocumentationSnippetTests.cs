namespace EventStore.Tests.Docs;

/// <summary>
/// Every C# block in the repository's markdown compiles, so a README that drifts from the API fails the build
/// instead of a reader. How a block declares what it assumes is in CONTRIBUTING.md and <see cref="MarkdownSnippets"/>.
/// </summary>
public sealed class DocumentationSnippetTests
{
    [TestCaseSource(nameof(CsharpBlocks))]
    public void Every_csharp_block_of_the_documentation_compiles_as_shown(string file, int fenceLine)
    {
        var snippet = DocumentationSnippets.At(file, fenceLine);

        var problems = SnippetCompiler.Problems(snippet);

        problems.Count.ShouldBe(0,
            $"the C# block at {snippet.Name} does not compile as shown:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Test]
    public void The_documentation_is_searched_at_the_root_in_docs_and_next_to_each_package_but_not_in_build_output()
    {
        var files = DocumentationFiles.Find();

        files.ShouldContain("README.md");
        files.ShouldContain("CONTRIBUTING.md");
        files.ShouldContain("docs/consumers.md");
        files.ShouldContain("EventStore.Dapper/README.md");
        files.ShouldNotContain(file => file.Contains("/bin/", StringComparison.Ordinal) || file.Contains("/obj/", StringComparison.Ordinal));
    }

    [Test]
    public void The_readme_has_csharp_blocks_to_compile()
    {
        DocumentationSnippets.All.Count(snippet => snippet.File == "README.md").ShouldBeGreaterThan(0);
    }

    private static IEnumerable<TestCaseData> CsharpBlocks() =>
        DocumentationSnippets.All.Select(snippet => new TestCaseData(snippet.File, snippet.FenceLine));
}
