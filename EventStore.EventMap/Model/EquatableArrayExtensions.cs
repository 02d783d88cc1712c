using System.Collections.Immutable;

namespace EventStore.EventMap.Model;

/// <summary>Builds <see cref="EquatableArray{T}"/> values from sequences.</summary>
internal static class EquatableArrayExtensions
{
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
        where T : IEquatable<T> =>
        new(items.ToImmutableArray());
}
