using Microsoft.CodeAnalysis;

namespace EventStore.EventMap;

/// <summary>The diagnostics the generator reports. All are errors: the mapper they concern would map events wrongly or not at all.</summary>
internal static class Diagnostics
{
    private const string Category = "EventStore.EventMap";

    public static readonly DiagnosticDescriptor DuplicateEvent = new(
        id: "ESMAP001",
        title: "Two domain events claim the same event type and version",
        messageFormat: "Domain event '{0}' is stored as event type '{1}' version {2} by mapper '{3}', and so is '{4}'; give one of them another Name or Version",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A stored event is read back by its event type and version, so each pair must belong to one domain event per mapper.");

    public static readonly DiagnosticDescriptor MissingVersion = new(
        id: "ESMAP002",
        title: "Domain event has no valid version",
        messageFormat: "Domain event '{0}' has no valid version: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The version comes from [DomainEvent(Version = n)] or else from the innermost namespace segment V<n>; versions start at 1.");

    public static readonly DiagnosticDescriptor UnserializableEvent = new(
        id: "ESMAP003",
        title: "Domain event cannot be serialized",
        messageFormat: "Domain event '{0}' cannot be serialized: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Generated mappers serialize through the System.Text.Json source-generated context, which handles only concrete, non-generic types it lists.");

    public static readonly DiagnosticDescriptor InvalidMapper = new(
        id: "ESMAP004",
        title: "Event mapper cannot be generated",
        messageFormat: "Event mapper '{0}' cannot be generated: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "An event mapper must be a non-generic static partial class, nested only in partial types, whose argument is a JsonSerializerContext class.");
}
