namespace EventStore.Tests.EventMap.RoundTrip;

/// <summary>A clock that always says the same time, so a test can tell the mapper used it.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
