using System.Data;
using EventStore.Consumers;

namespace EventStore.Benchmarks;

/// <summary>A consumer that only counts, so the catch-up run times the processor and not a handler.</summary>
internal sealed class CountingConsumer(string name, string aggregateType, CatchUpProgress progress) : IScopedConsumer
{
    public string Name => name;

    public IReadOnlyCollection<string> AggregateTypes => [aggregateType];

    public Task HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken)
    {
        progress.Handled(1);
        return Task.CompletedTask;
    }
}
