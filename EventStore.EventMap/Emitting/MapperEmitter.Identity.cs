using EventStore.EventMap.Model;

namespace EventStore.EventMap.Emitting;

/// <summary>The members that tell which event type and version a domain event is stored under.</summary>
internal static partial class MapperEmitter
{
    private static void WriteEventTypeOf(SourceWriter writer, MapperPlan plan)
    {
        writer.Lines($$"""
            /// <summary>Returns the event type name that a domain event of this mapper is stored under.</summary>
            /// <param name="domainEvent">One of this mapper's domain events.</param>
            /// <returns>The event type name: the event's <c>[DomainEvent(Name = ...)]</c>, or else its type name.</returns>
            /// <exception cref="global::System.ArgumentNullException"><paramref name="domainEvent"/> is <see langword="null"/>.</exception>
            /// <exception cref="global::System.ArgumentException"><paramref name="domainEvent"/> is not one of this mapper's domain events.</exception>
            public static string EventTypeOf(object domainEvent)
            {
                {{ThrowIfNull}}(domainEvent);
                var type = domainEvent.GetType();
            """);
        foreach (var domainEvent in plan.Events)
        {
            writer.Line($"    if (type == typeof({domainEvent.TypeName})) return {Literal(domainEvent.EventType)};");
        }

        writer.Lines("""
                throw NotAnEventOfThisMapper(domainEvent, nameof(domainEvent));
            }
            """);
    }

    private static void WriteEventVersionOf(SourceWriter writer, MapperPlan plan)
    {
        writer.Lines($$"""
            /// <summary>Returns the version that a domain event of this mapper is stored under.</summary>
            /// <param name="domainEvent">One of this mapper's domain events.</param>
            /// <returns>The event version, from 1: the event's <c>[DomainEvent(Version = ...)]</c>, or else its namespace segment <c>V&lt;n&gt;</c>.</returns>
            /// <exception cref="global::System.ArgumentNullException"><paramref name="domainEvent"/> is <see langword="null"/>.</exception>
            /// <exception cref="global::System.ArgumentException"><paramref name="domainEvent"/> is not one of this mapper's domain events.</exception>
            public static int EventVersionOf(object domainEvent)
            {
                {{ThrowIfNull}}(domainEvent);
                var type = domainEvent.GetType();
            """);
        foreach (var domainEvent in plan.Events)
        {
            writer.Line($"    if (type == typeof({domainEvent.TypeName})) return {Literal(domainEvent.EventVersion)};");
        }

        writer.Lines("""
                throw NotAnEventOfThisMapper(domainEvent, nameof(domainEvent));
            }
            """);
    }

    private static void WriteNotAnEventOfThisMapper(SourceWriter writer, MapperPlan plan)
    {
        var mapperName = InsideLiteral(plan.Mapper.DisplayName);
        writer.Lines($$"""
            // Domain events are matched by exact type: a subclass would serialize only its base type's members.
            private static global::System.ArgumentException NotAnEventOfThisMapper(object domainEvent, string parameterName) =>
                new global::System.ArgumentException(
                    $"{domainEvent.GetType()} is not a domain event of {{mapperName}}: mark it [DomainEvent] in a namespace the mapper covers and list it on the mapper's JsonSerializerContext.",
                    parameterName);
            """);
    }
}
