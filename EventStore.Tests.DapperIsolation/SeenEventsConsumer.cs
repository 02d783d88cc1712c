using System.Collections.Concurrent;
using System.Data;
using EventStore.Consumers;

namespace EventStore.Tests.DapperIsolation;

/// <summary>Remembers the positions it was given, and says when it has seen a number of them.</summary>
internal sealed class SeenEventsConsumer(int expected) : IConsumer
{
    private readonly ConcurrentQueue<long> _positions = new();
    private readonly TaskCompletionSource _allSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "dapper-isolation";

    public Task AllSeen => _allSeen.Task;

    public IReadOnlyCollection<long> Positions => _positions;

    public Task HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken)
    {
        _positions.Enqueue(@event.GlobalPosition);
        if (_positions.Count >= expected)
        {
            _allSeen.TrySetResult();
        }

        return Task.CompletedTask;
    }
}
