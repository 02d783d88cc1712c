namespace EventStore.Tests.Docs;

/// <summary>The opening line of a fenced code block: <c>```csharp</c>, or <c>~~~</c>, possibly indented in a list.</summary>
/// <param name="Marker">The run of backticks or tildes that opened it; only a run as long or longer closes it.</param>
/// <param name="Indent">The opening line's indentation, removed from each line of the block.</param>
/// <param name="Language">The first word of the info string, lower case; empty when the block names no language.</param>
internal readonly record struct Fence(string Marker, int Indent, string Language)
{
    // GitHub highlights all three as C#, so a block written with any of them is one a reader takes for C#.
    private static readonly string[] CsharpLanguages = ["csharp", "cs", "c#"];

    public bool IsCsharp => CsharpLanguages.Contains(Language);

    public static Fence? Open(string line)
    {
        var trimmed = line.TrimStart();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) && !trimmed.StartsWith("~~~", StringComparison.Ordinal))
        {
            return null;
        }

        var marker = new string(trimmed[0], trimmed.TakeWhile(character => character == trimmed[0]).Count());
        var info = trimmed[marker.Length..].Trim();
        var language = info.Split(' ', 2)[0].ToLowerInvariant();
        return new Fence(marker, line.Length - trimmed.Length, language);
    }

    public bool IsClosedBy(string line)
    {
        var trimmed = line.Trim();
        var markerCharacter = Marker[0];
        return trimmed.Length >= Marker.Length && trimmed.All(character => character == markerCharacter);
    }

    public string Unindent(string line)
    {
        var indentation = line.TakeWhile(character => character == ' ').Count();
        return line[Math.Min(indentation, Indent)..];
    }
}
