using EventStore.EventMap;

namespace EventStore.Examples.EventMapCodegen.Domain.V2;

/// <summary>A user signed up. Version 2 adds where and when, so old and new registrations live side by side.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="Email">The address the user registered with.</param>
/// <param name="Country">The user's country, as an ISO 3166 code.</param>
/// <param name="RegisteredAt">When the user registered.</param>
[DomainEvent]
public sealed record UserRegistered(string UserId, string Email, string Country, DateTimeOffset RegisteredAt);
