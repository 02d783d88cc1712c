using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// One consumer's handling of events its handler keeps failing on: finds the failing event in a rolled-back batch,
/// counts its attempts in the checkpoint row, and, once it is poison, stops the consumer or dead-letters the event
/// (<see cref="PoisonEventHandling"/>). See docs/consumers.md, "Poison events and dead letters".
/// </summary>
/// <remarks>
/// A batch rolls back whole, so the failing event has to be found. A per-event handler names it; it is recorded, and
/// the next batches commit the events before it, then try it alone. A batch handler names none, so the worker handles
/// one event per batch until it is past the failed batch, and the one that fails alone is the one. Attempts are counted
/// only against an event tried alone or named by the handler, so a sound event is never blamed for its batch.
/// </remarks>
internal sealed class PoisonEvents(
    string consumer, SqlDialect sql, StatementPreparation preparation, ConsumerProcessorOptions options, ILogger logger,
    KeyValuePair<string, object?> consumerTag)
{
    // One event per batch while the checkpoint is below this: a batch handler failed on a batch ending here.
    private long _isolateThrough = -1;

    // An event a handler marked permanent; the row counts its attempts, but only this instance knows it is poison.
    private long? _permanentAt;

    public ConsumerFailureState State { get; } = new();

    /// <summary>
    /// The highest position the next batch may reach: the safe frontier, or, while the consumer is stopped, just below
    /// the event it stopped on, so that the events before it still commit and nothing from it on is handled.
    /// </summary>
    public long Through(CheckpointRow row, long safePosition) =>
        !IsStopped(row) ? safePosition
        : row.FailedPosition is { } stoppedOn && stoppedOn > row.Position ? Math.Min(stoppedOn - 1, safePosition)
        : row.Position;

    /// <summary>The most events the next batch reads.</summary>
    public int Limit(long checkpoint) => checkpoint < _isolateThrough ? 1 : options.BatchSize;

    /// <summary>
    /// Plans a batch over the events read: with a failed event among them, the events before it go alone, then the
    /// event alone, or its dead letter once it is poison; otherwise all of them, up to <paramref name="reachedIfAll"/>.
    /// </summary>
    public BatchPlan Plan(CheckpointRow row, List<PersistedEvent> events, long reachedIfAll)
    {
        var failed = events.FindIndex(e => row.FailedOn(e.GlobalPosition));
        if (failed < 0)
        {
            return new BatchPlan(events, reachedIfAll, DeadLetter: null);
        }

        var poison = events[failed];
        if (failed > 0)
        {
            // Every position between the checkpoint and the failed event was read, so the checkpoint may rest just below it.
            return new BatchPlan(events[..failed], poison.GlobalPosition - 1, DeadLetter: null);
        }

        var deadLetter = options.PoisonEventHandling == PoisonEventHandling.DeadLetter
                         && (row.FailedAttempts >= options.MaxAttempts || _permanentAt == poison.GlobalPosition);
        return deadLetter
            ? new BatchPlan([], poison.GlobalPosition, poison)
            : new BatchPlan([poison], poison.GlobalPosition, DeadLetter: null);
    }

    public async Task DeadLetterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PersistedEvent poison, CancellationToken cancellationToken) =>
        await StoreCommands.RunAsync(sql.DeadLetter.Create(connection, transaction, consumer, poison), preparation, 0,
            static (reader, _, _) => DeadLetterStatement.ReadAsync(reader), cancellationToken).ConfigureAwait(false);

    /// <summary>After the batch of <paramref name="plan"/> committed with <paramref name="row"/> locked.</summary>
    public void Committed(CheckpointRow row, BatchPlan plan)
    {
        if (plan.DeadLetter is { } poison)
        {
            ConsumerMetrics.DeadLetters.Add(1, consumerTag);
            ConsumerLog.DeadLettered(logger, consumer, poison.GlobalPosition, poison.EventType, row.FailedAttempts);
        }

        if (row.FailedPosition <= plan.Reached)
        {
            State.SetAttempts(0);
        }

        if (_permanentAt <= plan.Reached)
        {
            _permanentAt = null;
        }
    }

    /// <summary>
    /// Records a handler failure after its batch rolled back: counts it against the event it identifies, or notes it,
    /// and stops the consumer when the event is poison under <see cref="PoisonEventHandling.Stop"/>.
    /// </summary>
    public async Task RecordAsync(IConsumerLease lease, NpgsqlConnection connection, HandlerFailure failure, CancellationToken cancellationToken)
    {
        var kind = HandlerErrors.Classify(failure.InnerException!);
        var blamed = kind == HandlerErrorKind.Transient ? null : failure.FailedEvent ?? (failure.Batch.Count == 1 ? failure.Batch[0] : null);
        if (kind != HandlerErrorKind.Transient && blamed is null)
        {
            _isolateThrough = Math.Max(_isolateThrough, failure.Batch[^1].GlobalPosition);
        }

        var entry = new FailureEntry(blamed?.GlobalPosition, HandlerErrors.Describe(failure.InnerException!), StopAfter(kind));
        var recorded = await lease.RecordFailureAsync(connection, entry, cancellationToken).ConfigureAwait(false);
        if (blamed is null)
        {
            return;
        }

        State.SetAttempts(recorded.Attempts);
        _permanentAt = kind == HandlerErrorKind.Permanent ? blamed.GlobalPosition : _permanentAt;
        if (recorded.Stopped && !State.Stopped)
        {
            State.SetStopped(true);
            ConsumerMetrics.Stops.Add(1, consumerTag);
            ConsumerLog.Stopped(logger, failure.InnerException!, consumer, blamed.GlobalPosition, blamed.EventType, recorded.Attempts);
        }
    }

    /// <summary>
    /// Whether the consumer is stopped, as the row locked at the start of a batch says; notes a change since this
    /// instance last looked, so every instance respects a stop and notices a resume.
    /// </summary>
    private bool IsStopped(CheckpointRow row)
    {
        State.SetAttempts(row.FailedPosition > row.Position ? row.FailedAttempts : 0);
        if (row.Stopped != State.Stopped)
        {
            State.SetStopped(row.Stopped);
            if (row.Stopped)
            {
                ConsumerLog.FoundStopped(logger, consumer, row.FailedPosition ?? row.Position + 1, row.FailedAttempts);
            }
            else
            {
                ConsumerLog.Resumed(logger, consumer, row.Position);
            }
        }

        return row.Stopped;
    }

    private int? StopAfter(HandlerErrorKind kind) => options.PoisonEventHandling != PoisonEventHandling.Stop
        ? null
        : kind == HandlerErrorKind.Permanent ? 1 : options.MaxAttempts;
}
