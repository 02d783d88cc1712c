namespace EventStore.EventMap.Model;

/// <summary>What the generator knows about one <c>[EventMapper]</c> class.</summary>
/// <param name="Namespace">The namespace to emit into, escaped for C#; empty for the global namespace.</param>
/// <param name="ContainingTypes">The partial declarations of the types it is nested in, outermost first, such as <c>partial class Outer</c>.</param>
/// <param name="Name">The class name as written, escaped for C#.</param>
/// <param name="DisplayName">The class name for messages and hint names, such as <c>Users.UserEventMapper</c>.</param>
/// <param name="JsonContext">The fully qualified JSON context type; empty when it is not usable.</param>
/// <param name="JsonContextDisplayName">The JSON context type name for messages.</param>
/// <param name="EventNamespace">The namespace its events must be in or below; <see langword="null"/> for all.</param>
/// <param name="SerializableTypes">The types the JSON context lists with <c>[JsonSerializable]</c>, sorted.</param>
/// <param name="JsonContextLocation">The <c>jsonContext</c> argument, where diagnostics about the context point.</param>
/// <param name="Problems">What keeps the generator from filling the class; nothing is emitted when there are any.</param>
internal sealed record MapperModel(
    string Namespace,
    EquatableArray<string> ContainingTypes,
    string Name,
    string DisplayName,
    string JsonContext,
    string JsonContextDisplayName,
    string? EventNamespace,
    EquatableArray<SerializableType> SerializableTypes,
    LocationInfo JsonContextLocation,
    EquatableArray<DiagnosticInfo> Problems)
{
    public bool Covers(DomainEventModel domainEvent) =>
        string.IsNullOrEmpty(EventNamespace)
        || domainEvent.Namespace == EventNamespace
        || domainEvent.Namespace.StartsWith(EventNamespace + ".", StringComparison.Ordinal);
}
