using EventStore.EventMap.Model;

namespace EventStore.EventMap.Emitting;

/// <summary>The members that turn stored events back into domain events.</summary>
internal static partial class MapperEmitter
{
    private static void WriteFromStoreEvent(SourceWriter writer, MapperPlan plan)
    {
        writer.Lines($$"""
            /// <summary>Converts a stored event back to the domain event of its event type and version.</summary>
            /// <param name="persisted">The stored event.</param>
            /// <returns>The domain event, deserialized from the payload.</returns>
            /// <exception cref="global::System.ArgumentNullException"><paramref name="persisted"/> is <see langword="null"/>.</exception>
            /// <exception cref="global::EventStore.UnknownEventException">No domain event of this mapper has the stored event type and version.</exception>
            /// <exception cref="global::System.Text.Json.JsonException">The payload is not valid JSON for the domain event, or is JSON <c>null</c>.</exception>
            public static object FromStoreEvent(global::EventStore.PersistedEvent persisted)
            {
                {{ThrowIfNull}}(persisted);
                return (persisted.EventType, persisted.EventVersion) switch
                {
            """);
        for (var index = 0; index < plan.Events.Count; index++)
        {
            var domainEvent = plan.Events[index];
            writer.Line($"        ({Literal(domainEvent.EventType)}, {Literal(domainEvent.EventVersion)}) => Deserialize(persisted, {TypeInfoField(index)}),");
        }

        writer.Lines("""
                    _ => throw new global::EventStore.UnknownEventException(persisted.EventType, persisted.EventVersion, KnownVersionsOf(persisted.EventType)),
                };
            }
            """);
    }

    private static void WriteFromStoreEvents(SourceWriter writer) =>
        writer.Lines($$"""
            /// <summary>Converts stored events, in order, back to domain events that are all of type <typeparamref name="T"/>.</summary>
            /// <typeparam name="T">A type every domain event is, such as a marker interface or <see cref="object"/>.</typeparam>
            /// <param name="persisted">The stored events, none of them <see langword="null"/>.</param>
            /// <returns>The domain events, in the order of <paramref name="persisted"/>.</returns>
            /// <exception cref="global::System.ArgumentNullException"><paramref name="persisted"/> is <see langword="null"/>.</exception>
            /// <exception cref="global::System.ArgumentException">An element of <paramref name="persisted"/> is <see langword="null"/>.</exception>
            /// <exception cref="global::EventStore.UnknownEventException">No domain event of this mapper has a stored event's type and version.</exception>
            /// <exception cref="global::System.InvalidCastException">A stored event maps to a domain event that is not a <typeparamref name="T"/>.</exception>
            /// <exception cref="global::System.Text.Json.JsonException">A payload is not valid JSON for its domain event, or is JSON <c>null</c>.</exception>
            public static global::System.Collections.Generic.IReadOnlyList<T> FromStoreEvents<T>(global::System.Collections.Generic.IEnumerable<global::EventStore.PersistedEvent> persisted)
            {
                {{ThrowIfNull}}(persisted);
                var domainEvents = new global::System.Collections.Generic.List<T>();
                foreach (var storeEvent in persisted)
                {
                    var index = domainEvents.Count;
                    if (storeEvent is null)
                    {
                        throw new global::System.ArgumentException($"Stored event {index} is null.", nameof(persisted));
                    }

                    var domainEvent = FromStoreEvent(storeEvent);
                    if (domainEvent is not T typed)
                    {
                        throw new global::System.InvalidCastException(
                            $"Stored event {index} ('{storeEvent.EventType}' version {storeEvent.EventVersion}) maps to {domainEvent.GetType()}, which is not a {typeof(T)}.");
                    }

                    domainEvents.Add(typed);
                }

                return domainEvents;
            }
            """);

    private static void WriteDeserialize(SourceWriter writer) =>
        writer.Lines($$"""
            private static object Deserialize<TEvent>(global::EventStore.PersistedEvent persisted, {{JsonTypeInfo}}<TEvent> typeInfo)
            {
                object? domainEvent = global::System.Text.Json.JsonSerializer.Deserialize(persisted.Payload, typeInfo);
                return domainEvent ?? throw new global::System.Text.Json.JsonException(
                    $"The payload of stored event {persisted.EventId} ('{persisted.EventType}' version {persisted.EventVersion}) is JSON null.");
            }
            """);

    private static void WriteKnownVersionsOf(SourceWriter writer, MapperPlan plan)
    {
        writer.Lines("""
            private static int[] KnownVersionsOf(string eventType) => eventType switch
            {
            """);
        foreach (var sameType in plan.Events.GroupBy(domainEvent => domainEvent.EventType))
        {
            var versions = string.Join(", ", sameType.Select(domainEvent => Literal(domainEvent.EventVersion)));
            writer.Line($"    {Literal(sameType.Key)} => new int[] {{ {versions} }},");
        }

        writer.Lines("""
                _ => global::System.Array.Empty<int>(),
            };
            """);
    }
}
