using V1 = EventStore.Examples.EventMapCodegen.Domain.V1;
using V2 = EventStore.Examples.EventMapCodegen.Domain.V2;

namespace EventStore.Examples.EventMapCodegen.ReadModel;

/// <summary>What the application shows about a user: the fold of that user's events.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="Email">The current address.</param>
/// <param name="Country">The country, once a version 2 registration said it; null before.</param>
/// <param name="IsDeleted">Whether the account is closed.</param>
/// <param name="Version">The version of the last event folded in.</param>
internal sealed record UserProfile(string UserId, string Email, string? Country, bool IsDeleted, long Version)
{
    /// <summary>Folds a user's stream, oldest first, into the profile; both shapes of a registration are understood.</summary>
    /// <param name="events">The domain events and their versions, in stream order.</param>
    /// <returns>The profile after the last event.</returns>
    /// <exception cref="InvalidOperationException">The stream does not start with a registration.</exception>
    public static UserProfile Fold(IEnumerable<(object Event, long Version)> events)
    {
        UserProfile? profile = null;
        foreach (var (domainEvent, version) in events)
        {
            profile = (profile, domainEvent) switch
            {
                (_, V1.UserRegistered registered) => new UserProfile(registered.UserId, registered.Email, null, false, version),
                (_, V2.UserRegistered registered) => new UserProfile(registered.UserId, registered.Email, registered.Country, false, version),
                ({ } current, V1.UserEmailChanged changed) => current with { Email = changed.NewEmail, Version = version },
                ({ } current, V1.UserDeleted) => current with { IsDeleted = true, Version = version },
                _ => throw new InvalidOperationException($"A {domainEvent.GetType().Name} at version {version} does not fit a user's stream here."),
            };
        }

        return profile ?? throw new InvalidOperationException("The user's stream has no events.");
    }
}
