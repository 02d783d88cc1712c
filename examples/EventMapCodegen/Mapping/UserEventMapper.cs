using EventStore.EventMap;

namespace EventStore.Examples.EventMapCodegen.Mapping;

/// <summary>
/// Maps the user events to and from store events. The body is generated on every build from the
/// <see cref="DomainEventAttribute"/> types under the namespace given here.
/// </summary>
[EventMapper(typeof(UserEventsJsonContext), Namespace = "EventStore.Examples.EventMapCodegen.Domain")]
internal static partial class UserEventMapper;
