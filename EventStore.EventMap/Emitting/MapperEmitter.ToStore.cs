using EventStore.EventMap.Model;

namespace EventStore.EventMap.Emitting;

/// <summary>The members that turn domain events into store events to append.</summary>
internal static partial class MapperEmitter
{
    private static void WriteToStoreEvent(SourceWriter writer, MapperPlan plan)
    {
        var newEventId = plan.UseVersion7Guids ? "a new time-ordered (version 7) event id" : "a new random event id";
        writer.Lines($$"""
            /// <summary>Converts a domain event of this mapper to a store event to append.</summary>
            /// <param name="aggregateType">The type of the aggregate the event belongs to, such as <c>User</c>.</param>
            /// <param name="aggregateId">The id of the aggregate the event belongs to.</param>
            /// <param name="domainEvent">One of this mapper's domain events.</param>
            /// <param name="options">Ids, metadata and clock for the event; <see langword="null"/> for none and the system clock.</param>
            /// <returns>
            /// The store event: the domain event's UTF-8 JSON as payload, its event type and version, {{newEventId}},
            /// the current time, and the ids and metadata of <paramref name="options"/> (<c>{}</c> when it has no metadata).
            /// </returns>
            /// <exception cref="global::System.ArgumentNullException"><paramref name="aggregateType"/>, <paramref name="aggregateId"/> or <paramref name="domainEvent"/> is <see langword="null"/>.</exception>
            /// <exception cref="global::System.ArgumentException"><paramref name="domainEvent"/> is not one of this mapper's domain events.</exception>
            public static global::EventStore.Event ToStoreEvent(string aggregateType, string aggregateId, object domainEvent, global::EventStore.EventMapOptions? options = null)
            {
                {{ThrowIfNull}}(aggregateType);
                {{ThrowIfNull}}(aggregateId);
                {{ThrowIfNull}}(domainEvent);
                var createdAt = (options?.TimeProvider ?? global::System.TimeProvider.System).GetUtcNow();
                return CreateStoreEvent(aggregateType, aggregateId, domainEvent, nameof(domainEvent), options, createdAt);
            }
            """);
    }

    private static void WriteToStoreEvents(SourceWriter writer) =>
        writer.Lines($$"""
            /// <summary>Converts domain events of this mapper, in order, to store events to append together.</summary>
            /// <param name="aggregateType">The type of the aggregate the events belong to, such as <c>User</c>.</param>
            /// <param name="aggregateId">The id of the aggregate the events belong to.</param>
            /// <param name="domainEvents">The mapper's domain events, none of them <see langword="null"/>.</param>
            /// <param name="options">Ids, metadata and clock for the events; <see langword="null"/> for none and the system clock.</param>
            /// <returns>The store events, as <see cref="ToStoreEvent"/> makes them, all stamped with the same time.</returns>
            /// <exception cref="global::System.ArgumentNullException"><paramref name="aggregateType"/>, <paramref name="aggregateId"/> or <paramref name="domainEvents"/> is <see langword="null"/>.</exception>
            /// <exception cref="global::System.ArgumentException">An element of <paramref name="domainEvents"/> is <see langword="null"/> or not one of this mapper's domain events.</exception>
            public static global::System.Collections.Generic.IReadOnlyList<global::EventStore.Event> ToStoreEvents(string aggregateType, string aggregateId, global::System.Collections.Generic.IEnumerable<object> domainEvents, global::EventStore.EventMapOptions? options = null)
            {
                {{ThrowIfNull}}(aggregateType);
                {{ThrowIfNull}}(aggregateId);
                {{ThrowIfNull}}(domainEvents);
                // One time for the batch: its events happen together.
                var createdAt = (options?.TimeProvider ?? global::System.TimeProvider.System).GetUtcNow();
                var storeEvents = new global::System.Collections.Generic.List<global::EventStore.Event>();
                foreach (var domainEvent in domainEvents)
                {
                    if (domainEvent is null)
                    {
                        throw new global::System.ArgumentException($"Domain event {storeEvents.Count} is null.", nameof(domainEvents));
                    }

                    storeEvents.Add(CreateStoreEvent(aggregateType, aggregateId, domainEvent, nameof(domainEvents), options, createdAt));
                }

                return storeEvents;
            }
            """);

    private static void WriteCreateStoreEvent(SourceWriter writer, MapperPlan plan)
    {
        writer.Lines("""
            private static global::EventStore.Event CreateStoreEvent(string aggregateType, string aggregateId, object domainEvent, string parameterName, global::EventStore.EventMapOptions? options, global::System.DateTimeOffset createdAt)
            {
                var type = domainEvent.GetType();
            """);
        for (var index = 0; index < plan.Events.Count; index++)
        {
            var domainEvent = plan.Events[index];
            writer.Line($"    if (type == typeof({domainEvent.TypeName})) return NewStoreEvent(aggregateType, aggregateId, "
                + $"{Literal(domainEvent.EventType)}, {Literal(domainEvent.EventVersion)}, "
                + $"global::System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(({domainEvent.TypeName})domainEvent, {TypeInfoField(index)}), options, createdAt);");
        }

        writer.Lines("""
                throw NotAnEventOfThisMapper(domainEvent, parameterName);
            }
            """);
    }

    private static void WriteNewStoreEvent(SourceWriter writer, MapperPlan plan)
    {
        // Version 7 ids are time-ordered, which keeps the store's event id index compact; older frameworks lack them.
        var newEventId = plan.UseVersion7Guids ? "global::System.Guid.CreateVersion7()" : "global::System.Guid.NewGuid()";
        writer.Lines($$"""
            private static global::EventStore.Event NewStoreEvent(string aggregateType, string aggregateId, string eventType, int eventVersion, byte[] payload, global::EventStore.EventMapOptions? options, global::System.DateTimeOffset createdAt) =>
                new global::EventStore.Event
                {
                    AggregateType = aggregateType,
                    AggregateId = aggregateId,
                    EventId = {{newEventId}},
                    EventType = eventType,
                    EventVersion = eventVersion,
                    Payload = payload,
                    Metadata = options?.Metadata ?? global::System.Text.Encoding.UTF8.GetBytes("{}"),
                    CreatedAt = createdAt,
                    CausationId = options?.CausationId ?? global::EventStore.NullString.Null,
                    CorrelationId = options?.CorrelationId ?? global::EventStore.NullString.Null,
                    TraceId = options?.TraceId ?? global::EventStore.NullString.Null,
                };
            """);
    }
}
