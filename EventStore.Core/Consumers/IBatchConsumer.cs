using System.Data;

namespace EventStore.Consumers;

/// <summary>
/// A consumer that receives each batch whole, in the batch's transaction, so that a read model can be written with one
/// statement per batch (an <c>unnest</c> insert, or <c>COPY</c>) rather than one per event.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><description>The processor calls <see cref="HandleBatchAsync"/> instead of <see cref="IConsumer.HandleAsync"/>.</description></item>
/// <item><description>A batch holds one or more events and at most the processor's batch size, in global-position
/// order. It is never empty: a step that finds no event for the consumer moves the checkpoint without calling the
/// handler. A batch may be smaller than the batch size while more events are waiting.</description></item>
/// <item><description>With <see cref="IScopedConsumer"/>, a batch holds only the events its filters select.</description></item>
/// <item><description>If the handler throws, the batch rolls back as a whole, its writes and the checkpoint with it,
/// and is retried.</description></item>
/// </list>
/// </remarks>
public interface IBatchConsumer : IConsumer
{
    /// <summary>Handles a batch of events, in global-position order.</summary>
    /// <remarks>
    /// The handler does its writes in <paramref name="transaction"/>, so they commit or roll back together with the
    /// consumer's progress. It never commits or rolls back the transaction itself; to reject the batch, it throws.
    /// </remarks>
    /// <param name="transaction">The transaction to write in, owned by the caller.</param>
    /// <param name="events">The batch, one or more events.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the batch is handled.</returns>
    Task HandleBatchAsync(IDbTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken);

    /// <summary>Handles one event as a batch of one.</summary>
    Task IConsumer.HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken) =>
        HandleBatchAsync(transaction, [@event], cancellationToken);
}
