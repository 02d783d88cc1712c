namespace EventStore.Benchmarks;

/// <summary>
/// The growth run's part of docs/benchmarks.md, between two markers. The quick run rewrites the rest of the page and
/// carries this part over; the growth run replaces only this part.
/// </summary>
internal static class GrowthSection
{
    public const string Start = "<!-- growth:start -->";
    public const string End = "<!-- growth:end -->";

    /// <summary>What the page holds until the first growth run.</summary>
    public static string Empty => $"""
        {Start}
        ## Growth

        Not measured yet: `dotnet run -c Release --project EventStore.Benchmarks -- --growth` writes this section.
        {End}

        """;

    /// <summary>The section in <paramref name="markdown"/>, markers included, or <see cref="Empty"/> when there is none.</summary>
    public static string Find(string markdown)
    {
        var start = markdown.IndexOf(Start, StringComparison.Ordinal);
        var end = markdown.IndexOf(End, StringComparison.Ordinal);
        return start >= 0 && end > start ? markdown[start..(end + End.Length)] + "\n" : Empty;
    }

    /// <summary><paramref name="markdown"/> with its section replaced by <paramref name="section"/>, or with it added at the end.</summary>
    public static string Replace(string markdown, string section)
    {
        var start = markdown.IndexOf(Start, StringComparison.Ordinal);
        var end = markdown.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            return markdown.Length == 0 ? section : markdown.TrimEnd('\n') + "\n\n" + section;
        }

        var after = markdown[(end + End.Length)..].TrimStart('\n');
        return markdown[..start] + section + (after.Length == 0 ? string.Empty : "\n" + after);
    }
}
