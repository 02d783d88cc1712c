using EventStore.EventMap;

namespace EventStore.Examples.EventMapCodegen.Domain.V1;

/// <summary>A user closed their account.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="Reason">Why, as the user said.</param>
[DomainEvent]
public sealed record UserDeleted(string UserId, string Reason);
