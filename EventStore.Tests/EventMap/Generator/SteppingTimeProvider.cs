namespace EventStore.Tests.EventMap.Generator;

/// <summary>A clock that moves one second forward on every reading, so a test can tell how often it was read.</summary>
internal sealed class SteppingTimeProvider(DateTimeOffset start) : TimeProvider
{
    public int Readings { get; private set; }

    public override DateTimeOffset GetUtcNow() => start.AddSeconds(Readings++);
}
