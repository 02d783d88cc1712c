using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EventStore.EventMap.Model;

/// <summary>
/// A source location as plain values. A <see cref="Location"/> holds its syntax tree, which would keep whole
/// compilations alive in the driver's cache and never compare equal across runs.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo From(Location location) =>
        new(location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}
