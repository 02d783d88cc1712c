using System.Data;
using System.Diagnostics.CodeAnalysis;

namespace EventStore.Consumers;

/// <summary>
/// Handles stored events one at a time, for example to update a projection.
/// </summary>
public interface IConsumer
{
    /// <summary>Gets the consumer's name, which must be unique and stable because its progress is tracked under it.</summary>
    string Name { get; }

    /// <summary>Handles one event.</summary>
    /// <remarks>
    /// The handler does its writes in <paramref name="transaction"/>, so they commit or roll back together with the
    /// consumer's progress. It never commits or rolls back the transaction itself; to reject the event, it throws.
    /// </remarks>
    /// <param name="transaction">The transaction to write in, owned by the caller.</param>
    /// <param name="event">The event to handle.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    [SuppressMessage(
        "Naming",
        "CA1716:Identifiers should not match keywords",
        Justification = "The parameter is the event being handled; any other name would read worse, and Visual Basic can escape it.")]
    Task HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken);
}
