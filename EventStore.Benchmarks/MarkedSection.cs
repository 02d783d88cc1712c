namespace EventStore.Benchmarks;

/// <summary>
/// A part of docs/benchmarks.md between two markers, written by a run of its own: that run replaces only this part,
/// and the runs that rewrite the rest of the page carry it over.
/// </summary>
internal sealed class MarkedSection(string name)
{
    public string Start { get; } = $"<!-- {name}:start -->";

    public string End { get; } = $"<!-- {name}:end -->";

    /// <summary>The section in <paramref name="markdown"/>, markers included, or null when there is none.</summary>
    public string? Find(string markdown)
    {
        var start = markdown.IndexOf(Start, StringComparison.Ordinal);
        var end = markdown.IndexOf(End, StringComparison.Ordinal);
        return start >= 0 && end > start ? markdown[start..(end + End.Length)] + "\n" : null;
    }

    /// <summary><paramref name="markdown"/> with the section replaced by <paramref name="section"/>, or with it added at the end.</summary>
    public string Replace(string markdown, string section)
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
