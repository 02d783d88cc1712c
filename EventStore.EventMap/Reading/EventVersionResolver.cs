using System.Globalization;

namespace EventStore.EventMap.Reading;

/// <summary>Decides a domain event's version: the declared one, or else the innermost <c>V&lt;n&gt;</c> namespace segment.</summary>
internal static class EventVersionResolver
{
    /// <summary>Resolves the version, or says why there is none.</summary>
    /// <param name="declaredVersion">The attribute's <c>Version</c>; 0 when not given.</param>
    /// <param name="eventNamespace">The event's namespace, empty for the global one.</param>
    /// <param name="version">The version when the result is <see langword="null"/>.</param>
    /// <returns><see langword="null"/> when the version is valid, otherwise why it is not.</returns>
    public static string? Resolve(int declaredVersion, string eventNamespace, out int version)
    {
        if (declaredVersion != 0)
        {
            version = declaredVersion;
            return declaredVersion < 1
                ? string.Format(CultureInfo.InvariantCulture, "its declared Version {0} is below 1", declaredVersion)
                : null;
        }

        if (!TryFindInnermostSegment(eventNamespace, out var segment, out version))
        {
            return "set [DomainEvent(Version = n)] or declare it in a namespace with a segment V<n>, such as Events.V1";
        }

        return version < 1
            ? string.Format(CultureInfo.InvariantCulture, "its namespace segment '{0}' gives version {1}, below 1", segment, version)
            : null;
    }

    private static bool TryFindInnermostSegment(string eventNamespace, out string segment, out int version)
    {
        var segments = eventNamespace.Split('.');
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            segment = segments[i];
            if (IsVersionSegment(segment)
                && int.TryParse(segment.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out version))
            {
                return true;
            }
        }

        segment = string.Empty;
        version = 0;
        return false;
    }

    private static bool IsVersionSegment(string segment) =>
        segment.Length >= 2
        && segment[0] is 'V' or 'v'
        && segment.Skip(1).All(c => c is >= '0' and <= '9');
}
