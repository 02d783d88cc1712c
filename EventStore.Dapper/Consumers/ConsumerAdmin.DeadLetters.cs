using System.Data;
using System.Globalization;
using EventStore.Consumers;

namespace EventStore.Dapper;

/// <summary>The dead letters of consumers that run with <see cref="PoisonEventHandling.DeadLetter"/>: reading and replaying them.</summary>
public sealed partial class ConsumerAdmin
{
    /// <summary>
    /// Reads a consumer's dead letters that are not replayed yet, in position order, across its partitions' rows.
    /// </summary>
    /// <param name="transaction">The transaction to read in.</param>
    /// <param name="consumer">The consumer's name, as declared.</param>
    /// <param name="afterPosition">Reads the letters after this position, to page on from the last one read; 0 for the first page.</param>
    /// <param name="limit">The most letters read; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call on the server.</param>
    /// <returns>The letters, oldest event first; empty when there are none.</returns>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is below 1.</exception>
    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(
        IDbTransaction transaction, string consumer, long afterPosition = 0, int limit = 1000, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return await StoreCommands.RunAsync(_sql.DeadLetterRead.Create(connection, npgsqlTransaction, consumer, afterPosition, limit), _preparation, 0,
            static (reader, _, token) => DeadLetterReadStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands a consumer's oldest dead-lettered events to its handler again, in position order, and marks them replayed,
    /// all in the caller's transaction: once the handler is fixed, this delivers what the consumer gave up on.
    /// </summary>
    /// <remarks>
    /// <list type="number">
    /// <item><description>The events go to the handler in <paramref name="transaction"/>: an <see cref="IBatchConsumer"/>
    /// gets them as one batch, any other consumer one at a time. The handler's writes and the marks commit together when
    /// the caller commits.</description></item>
    /// <item><description>A handler exception propagates as it is; the caller rolls back, and the letters stay as they
    /// were.</description></item>
    /// <item><description>While processors run, a replay locks the consumer's checkpoint rows as a batch does: it waits for
    /// a batch in flight and holds the next one until the caller's transaction ends, so the handler never runs twice at
    /// once for one consumer. Keep the transaction short.</description></item>
    /// <item><description>The consumer has moved on since, so a replayed event reaches its handler after later events;
    /// the handler must accept it out of order, as it would any correction.</description></item>
    /// <item><description>Two replays of one consumer take turns, and an event is replayed by one of them
    /// only.</description></item>
    /// </list>
    /// </remarks>
    /// <param name="transaction">The transaction to replay in; the caller commits or rolls it back.</param>
    /// <param name="consumer">The consumer whose letters are replayed, and whose handler gets them; named as declared.</param>
    /// <param name="limit">The most events replayed; at least 1. Call again until it returns 0 to replay them all.</param>
    /// <param name="cancellationToken">Cancels the call, and is handed to the handler.</param>
    /// <returns>How many events were replayed: 0 when none was waiting.</returns>
    /// <exception cref="ArgumentException">The consumer's name is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">A dead-lettered event is no longer in the events table.</exception>
    public async Task<int> ReplayDeadLettersAsync(IDbTransaction transaction, IConsumer consumer, int limit = 500, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer.Name, nameof(consumer));
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var positions = await StoreCommands.RunAsync(_sql.DeadLetterReplay.Mark(connection, npgsqlTransaction, consumer.Name, limit), _preparation, 0,
            static (reader, _, token) => DeadLetterReplayStatement.ReadMarkedAsync(reader, token), cancellationToken).ConfigureAwait(false);
        if (positions.Length == 0)
        {
            return 0;
        }

        var events = await StoreCommands.RunAsync(_sql.DeadLetterReplay.Events(connection, npgsqlTransaction, positions), _preparation, 0,
            static (reader, _, token) => DeadLetterReplayStatement.ReadEventsAsync(reader, token), cancellationToken).ConfigureAwait(false);
        if (events.Count != positions.Length)
        {
            throw MissingEvents(consumer.Name, positions, events);
        }

        if (consumer is IBatchConsumer batchConsumer)
        {
            await batchConsumer.HandleBatchAsync(transaction, events, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            foreach (var @event in events)
            {
                await consumer.HandleAsync(transaction, @event, cancellationToken).ConfigureAwait(false);
            }
        }

        return events.Count;
    }

    private static InvalidOperationException MissingEvents(string consumer, long[] positions, List<PersistedEvent> events)
    {
        var missing = positions.Except(events.Select(e => e.GlobalPosition)).Select(position => position.ToString(CultureInfo.InvariantCulture));
        return new InvalidOperationException(
            $"Consumer {consumer} has dead letters at positions {string.Join(", ", missing)} whose events are no longer in the events " +
            "table: their partition was archived, or they were deleted. Roll back; attach the partition again to replay them.");
    }
}
