namespace EventStore.Tests.Docs;

/// <summary>Every C# block of every markdown file of the repository, read once per test run.</summary>
internal static class DocumentationSnippets
{
    private static readonly Lazy<IReadOnlyList<Snippet>> Read = new(
        () => [.. DocumentationFiles.Find().SelectMany(file => MarkdownSnippets.Read(file, DocumentationFiles.Read(file)))]);

    public static IReadOnlyList<Snippet> All => Read.Value;

    public static Snippet At(string file, int fenceLine) =>
        All.Single(snippet => snippet.File == file && snippet.FenceLine == fenceLine);
}
