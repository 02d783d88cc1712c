using System.Collections.Concurrent;
using System.Data;
using EventStore.Consumers;

namespace EventStore.Tests.Consumers;

/// <summary>
/// A batch consumer that records each event of its batch in the <c>seen</c> table, as <see cref="SeenConsumer"/> does,
/// and keeps every batch it was handed, including those that later rolled back.
/// </summary>
internal sealed class SeenBatchConsumer(string name = SeenConsumer.DefaultName) : IBatchConsumer
{
    private readonly SeenConsumer _rows = new(name);

    public string Name => _rows.Name;

    /// <summary>Every batch the handler was called with, in call order.</summary>
    public ConcurrentQueue<IReadOnlyList<PersistedEvent>> Batches { get; } = new();

    /// <summary>Runs before the batch's inserts; a test throws from it to fail the batch.</summary>
    public Func<IReadOnlyList<PersistedEvent>, Task>? BeforeBatch { get; set; }

    public async Task HandleBatchAsync(IDbTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        Batches.Enqueue(events);
        if (BeforeBatch is { } beforeBatch)
        {
            await beforeBatch(events);
        }

        foreach (var @event in events)
        {
            await _rows.HandleAsync(transaction, @event, cancellationToken);
        }
    }
}
