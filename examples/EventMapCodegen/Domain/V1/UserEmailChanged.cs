using EventStore.EventMap;

namespace EventStore.Examples.EventMapCodegen.Domain.V1;

/// <summary>A user changed their e-mail address.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="NewEmail">The new address.</param>
[DomainEvent]
public sealed record UserEmailChanged(string UserId, string NewEmail);
