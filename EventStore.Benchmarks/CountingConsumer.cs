using System.Data;
using EventStore.Consumers;

namespace EventStore.Benchmarks;

/// <summary>A consumer that only counts, so the catch-up run times the processor and not a handler.</summary>
internal sealed class CountingConsumer(string aggregateType, int expected) : IScopedConsumer
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handled;

    public string Name => "bench-catch-up";

    public IReadOnlyCollection<string> AggregateTypes => [aggregateType];

    /// <summary>Completes when the consumer has handled every expected event.</summary>
    public Task Done => _done.Task;

    public Task HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _handled) == expected)
        {
            _done.TrySetResult();
        }

        return Task.CompletedTask;
    }
}
