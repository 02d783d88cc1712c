namespace EventStore.Tests.Docs;

/// <summary>One C# block of a markdown file, with what its <c>snippet-context</c> comment says it assumes.</summary>
/// <param name="File">The markdown file, relative to the repository root, with forward slashes.</param>
/// <param name="FenceLine">The 1-based line of the block's opening fence.</param>
/// <param name="Code">The block's code, without the fences and the fence's indentation.</param>
/// <param name="Context">The variables that the reader's surrounding code is assumed to provide.</param>
/// <param name="Previous">The earlier block of the same file that declares types this block uses, if the comment names it.</param>
internal sealed record Snippet(string File, int FenceLine, string Code, IReadOnlyList<ContextVariable> Context, Snippet? Previous)
{
    public int FirstCodeLine => FenceLine + 1;

    public string Name => $"{File}:{FenceLine}";

    /// <summary>Gets the blocks compiled together for this one: its previous blocks, earliest first, then itself.</summary>
    public IReadOnlyList<Snippet> WithPreviousBlocks =>
        Previous is null ? [this] : [.. Previous.WithPreviousBlocks, this];
}
