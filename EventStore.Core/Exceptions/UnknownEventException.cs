using System.Globalization;

namespace EventStore;

/// <summary>
/// Raised when a stored event's type, or its version of a known type, has no domain type to map to: typically an
/// event written by a newer release, or a version whose type was removed.
/// </summary>
public sealed class UnknownEventException : EventStoreException
{
    /// <summary>Initializes a new instance naming the type and version that could not be mapped.</summary>
    /// <param name="eventType">The stored event type.</param>
    /// <param name="eventVersion">The stored event version.</param>
    /// <param name="knownVersions">The versions known for <paramref name="eventType"/>; empty when the type itself is unknown.</param>
    public UnknownEventException(string eventType, int eventVersion, IReadOnlyCollection<int> knownVersions)
        : base(FormatMessage(eventType, eventVersion, knownVersions))
    {
        EventType = eventType;
        EventVersion = eventVersion;
    }

    /// <summary>Gets the stored event type.</summary>
    public string EventType { get; }

    /// <summary>Gets the stored event version.</summary>
    public int EventVersion { get; }

    private static string FormatMessage(string eventType, int eventVersion, IReadOnlyCollection<int> knownVersions) =>
        knownVersions.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Unknown event type '{eventType}' (version {eventVersion}): no domain event is mapped to it.")
            : string.Create(CultureInfo.InvariantCulture,
                $"Unknown version {eventVersion} of event type '{eventType}': the known versions are {string.Join(", ", knownVersions)}.");
}
