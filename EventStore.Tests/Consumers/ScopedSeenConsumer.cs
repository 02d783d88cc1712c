using EventStore.Consumers;

namespace EventStore.Tests.Consumers;

/// <summary>A <see cref="SeenConsumer"/> that asks for the events of some aggregate types, and optionally of some event types, only.</summary>
internal sealed class ScopedSeenConsumer(string name, params string[] aggregateTypes) : SeenConsumer(name), IScopedConsumer
{
    public IReadOnlyCollection<string> AggregateTypes { get; init; } = aggregateTypes;

    public IReadOnlyCollection<string> EventTypes { get; init; } = [];
}
