using EventStore.EventMap;

namespace EventStore.Examples.EventMapCodegen.Domain.V1;

/// <summary>A user signed up. The first shape of this event, still stored for users who registered early.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="Email">The address the user registered with.</param>
[DomainEvent]
public sealed record UserRegistered(string UserId, string Email);
