namespace EventStore.Benchmarks;

/// <summary>
/// The growth run's part of docs/benchmarks.md, between two markers. The quick run rewrites the rest of the page and
/// carries this part over; the growth run replaces only this part.
/// </summary>
internal static class GrowthSection
{
    private static readonly MarkedSection Markers = new("growth");

    public static string Start => Markers.Start;

    public static string End => Markers.End;

    /// <summary>What the page holds until the first growth run.</summary>
    public static string Empty => $"""
        {Start}
        ## Growth

        Not measured yet: `dotnet run -c Release --project EventStore.Benchmarks -- --growth` writes this section.
        {End}

        """;

    /// <summary>The section in <paramref name="markdown"/>, markers included, or <see cref="Empty"/> when there is none.</summary>
    public static string Find(string markdown) => Markers.Find(markdown) ?? Empty;

    /// <summary><paramref name="markdown"/> with its section replaced by <paramref name="section"/>, or with it added at the end.</summary>
    public static string Replace(string markdown, string section) => Markers.Replace(markdown, section);
}
