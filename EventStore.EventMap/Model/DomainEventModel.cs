namespace EventStore.EventMap.Model;

/// <summary>What the generator knows about one <c>[DomainEvent]</c> type.</summary>
/// <param name="TypeName">The fully qualified type name for generated code, such as <c>global::Users.Events.V1.UserRegistered</c>.</param>
/// <param name="DisplayName">The type name for messages, such as <c>Users.Events.V1.UserRegistered</c>.</param>
/// <param name="Namespace">The containing namespace, empty for the global namespace.</param>
/// <param name="EventType">The event type name it is stored under.</param>
/// <param name="EventVersion">The version it is stored under; meaningless when <paramref name="Problems"/> is not empty.</param>
/// <param name="Location">The type's identifier, where its diagnostics point.</param>
/// <param name="Problems">What keeps every mapper from using the type; mappers skip it when there are any.</param>
internal sealed record DomainEventModel(
    string TypeName,
    string DisplayName,
    string Namespace,
    string EventType,
    int EventVersion,
    LocationInfo Location,
    EquatableArray<DiagnosticInfo> Problems);
