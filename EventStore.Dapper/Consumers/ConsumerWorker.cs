using System.Globalization;
using EventStore.Consumers;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Runs one consumer: holds its lease, follows the safe frontier, and handles each batch in one transaction with the
/// checkpoint, so the handler's writes and the consumer's progress commit together or not at all.
/// </summary>
internal sealed class ConsumerWorker
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IConsumer _consumer;
    private readonly SqlDialect _sql;
    private readonly ConsumerProcessorOptions _options;
    private readonly ILogger _logger;
    private readonly StatementPreparation _preparation;
    private readonly string _owner;
    private readonly string[]? _aggregateTypes;
    private readonly string[]? _eventTypes;
    private readonly GapFrontier _frontier = new();
    private readonly PassedGaps _passedGaps = new();
    private readonly HashSet<string> _reportedBlockers = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _consumerTag;

    // The checkpoint as last read or written; -1 until then. Only saves a transaction when there is nothing to do.
    private long _knownCheckpoint = -1;

    public ConsumerWorker(
        NpgsqlDataSource dataSource, IConsumer consumer, SqlDialect sql, ConsumerProcessorOptions options, ILogger logger,
        StatementPreparation preparation, string owner, WakeUp wakeUp)
    {
        _dataSource = dataSource;
        _preparation = preparation;
        _owner = owner;
        _consumer = consumer;
        _sql = sql;
        _options = options;
        _logger = logger;
        WakeUp = wakeUp;
        _aggregateTypes = consumer is IScopedConsumer { AggregateTypes.Count: > 0 } byAggregate ? [.. byAggregate.AggregateTypes] : null;
        _eventTypes = consumer is IScopedConsumer { EventTypes.Count: > 0 } byEvent ? [.. byEvent.EventTypes] : null;
        _consumerTag = new("consumer", consumer.Name);
    }

    public WakeUp WakeUp { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lease = CreateLease();
        await using var disposeLease = lease.ConfigureAwait(false);
        var pollInterval = _options.MinPollInterval;
        var retryDelay = FirstRetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var progressed = await StepAsync(lease, cancellationToken).ConfigureAwait(false);
                retryDelay = FirstRetryDelay;
                pollInterval = progressed ? _options.MinPollInterval : await WaitAsync(NextWait(pollInterval), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (LeaseLostException lost)
            {
                ConsumerLog.LeaseLost(_logger, _consumer.Name, lost.Epoch);
                _knownCheckpoint = -1;
            }
            catch (HandlerFailure failure)
            {
                ConsumerMetrics.BatchFailures.Add(1, _consumerTag);
                if (failure.FailedEvent is { } failedEvent)
                {
                    ConsumerLog.HandlerFailed(_logger, failure.InnerException!, _consumer.Name, failedEvent.GlobalPosition, failedEvent.EventType, retryDelay);
                }
                else
                {
                    ConsumerLog.BatchHandlerFailed(_logger, failure.InnerException!, _consumer.Name, failure.Batch[0].GlobalPosition, failure.Batch[^1].GlobalPosition, retryDelay);
                }

                retryDelay = await BackOffAsync(retryDelay, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is not (UnsafeEventLogException or PoolerRefusalException)
                                            && (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                // A lost connection, a restarted server: start again from the stored checkpoint on a new connection.
                ConsumerMetrics.BatchFailures.Add(1, _consumerTag);
                ConsumerLog.ConnectionFailed(_logger, failure, _consumer.Name, retryDelay);
                await lease.ReleaseAsync().ConfigureAwait(false);
                _knownCheckpoint = -1;
                retryDelay = await BackOffAsync(retryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Does one step of work; true when the checkpoint moved, so the next step should follow at once.</summary>
    private async Task<bool> StepAsync(IConsumerLease lease, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeConnection = connection.ConfigureAwait(false);
        switch (await lease.HoldAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            case LeaseState.NotHeld:
                await connection.CloseAsync().ConfigureAwait(false);
                await Task.Delay(_options.TakeoverInterval, cancellationToken).ConfigureAwait(false);
                return false;
            case LeaseState.Taken:
                ConsumerLog.LeaseTaken(_logger, _consumer.Name);
                _knownCheckpoint = -1;
                break;
        }

        var safePosition = await ProbeAsync(connection, cancellationToken).ConfigureAwait(false);
        if (safePosition <= _knownCheckpoint)
        {
            return false;
        }

        return await HandleBatchAsync(lease, connection, safePosition, cancellationToken).ConfigureAwait(false);
    }

    private IConsumerLease CreateLease()
    {
        var logCheck = new LogCheck(_sql, _preparation, _options.TakeoverInterval);
        return _options.LeaseMode == ConsumerLeaseMode.Table
            ? new TableLease(_dataSource, _sql, _preparation, new LeaseHolder(_consumer.Name, _owner, _options.LeaseDuration), logCheck)
            : new AdvisoryLockLease(_dataSource, _sql, _consumer.Name, logCheck);
    }

    private async Task<long> ProbeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var probe = await StoreCommands.RunAsync(_sql.FrontierProbe.Create(connection, _passedGaps), _preparation, 0,
            static (reader, _, token) => FrontierProbeStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        if (probe.LatePosition is { } late)
        {
            throw LateEvent(late);
        }

        // The lease checks every assumption now and then; the cache, which a DBA may raise at any moment, is also
        // checked on every probe, so the frontier never passes a position that a session reserved.
        if (probe is { SequenceCache: > 1, Sequence: { } sequence })
        {
            throw LogFacts.CachedSequence(sequence, probe.SequenceCache);
        }

        var now = DateTimeOffset.UtcNow;
        var safePosition = _frontier.Advance(probe, now);
        ReportBlocker(probe.LastPosition, now);
        return safePosition;
    }

    private async Task<bool> HandleBatchAsync(IConsumerLease lease, NpgsqlConnection connection, long safePosition, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeTransaction = transaction.ConfigureAwait(false);
        var checkpoint = await lease.LockCheckpointAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (checkpoint > _frontier.LastPosition)
        {
            throw SequenceBehind(checkpoint);
        }

        if (checkpoint >= safePosition)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _knownCheckpoint = checkpoint;
            return false;
        }

        var events = await ReadBatchAsync(connection, transaction, checkpoint, safePosition, cancellationToken).ConfigureAwait(false);
        if (events.Count > 0)
        {
            await HandleAsync(transaction, events, cancellationToken).ConfigureAwait(false);
        }

        // A full batch may stop short of the frontier; otherwise every position up to it is settled and seen.
        var reached = events.Count == _options.BatchSize ? events[^1].GlobalPosition : safePosition;
        await lease.SaveCheckpointAsync(connection, transaction, reached, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // A filtered batch passes other types' events unseen, and would take their positions for gaps.
        if (_aggregateTypes is null && _eventTypes is null)
        {
            _passedGaps.Record(checkpoint, reached, events);
        }

        _knownCheckpoint = reached;
        ConsumerMetrics.EventsHandled.Add(events.Count, _consumerTag);
        return true;
    }

    private async Task<List<PersistedEvent>> ReadBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long checkpoint, long safePosition, CancellationToken cancellationToken)
    {
        var command = _sql.ConsumerBatch.Create(connection, transaction, checkpoint, safePosition, _options.BatchSize, _aggregateTypes, _eventTypes);
        try
        {
            return await StoreCommands.RunAsync(command, _preparation, 0,
                static (reader, _, token) => ConsumerBatchStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException error) when (ArchiveGuard.Translate(error) is { } archived)
        {
            throw Archived(checkpoint, archived);
        }
    }

    /// <summary>Hands a batch to a batch handler whole, or to a per-event handler one event at a time.</summary>
    private async Task HandleAsync(NpgsqlTransaction transaction, List<PersistedEvent> events, CancellationToken cancellationToken)
    {
        PersistedEvent? current = null;
        try
        {
            if (_consumer is IBatchConsumer batchConsumer)
            {
                // Read-only, because the checkpoint is taken from this list after the handler returns: a handler that
                // cast it back to a List and removed events would move the checkpoint past events nobody handled.
                await batchConsumer.HandleBatchAsync(transaction, events.AsReadOnly(), cancellationToken).ConfigureAwait(false);
                return;
            }

            foreach (var @event in events)
            {
                current = @event;
                await _consumer.HandleAsync(transaction, @event, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new HandlerFailure(current, events, failure);
        }
    }

    private void ReportBlocker(long lastPosition, DateTimeOffset now)
    {
        if (_frontier.OldestBlocker is not { } blocker)
        {
            _reportedBlockers.Clear();
            return;
        }

        var heldFor = now - blocker.FirstSeen;
        ConsumerMetrics.HeldBackSeconds.Record(heldFor.TotalSeconds, _consumerTag);
        if (heldFor >= _options.BlockedWarningAfter && _reportedBlockers.Add(blocker.VirtualTransactionId))
        {
            ConsumerLog.HeldBack(_logger, _consumer.Name, _frontier.SafePosition, blocker.VirtualTransactionId, blocker.ProcessId, heldFor.TotalSeconds, lastPosition);
        }
    }

    private UnsafeEventLogException LateEvent(long position) => new("late event",
        $"Consumer {_consumer.Name} found an event at position {position.ToString(CultureInfo.InvariantCulture)}, which it had " +
        "passed as a gap, so that event was never delivered. Something wrote outside the processor's assumptions: a writer " +
        "that took positions with nextval() or inserted explicit ones, a sequence set back, or a cache seen too late. The " +
        "processor stops instead of running on. Fix: find and stop that writer (docs/consumers.md, \"What the argument " +
        "assumes\"), handle the event by hand, then start the processor again; it does not go back.");

    private UnsafeEventLogException Archived(long checkpoint, ArchivedEventsException archived) => new("archived events",
        $"Consumer {_consumer.Name} has its checkpoint at {checkpoint.ToString(CultureInfo.InvariantCulture)}, below an " +
        $"archived partition of the log, so it cannot read the events it has not handled: {archived.Message} The processor " +
        "stops this consumer instead of skipping them. Fix: attach the partition again, or, if the consumer must not see " +
        "those events, move its checkpoint to the partition's last position; then start the processor again.");

    private UnsafeEventLogException SequenceBehind(long checkpoint) => new("sequence reset",
        $"Consumer {_consumer.Name} has its checkpoint at {checkpoint.ToString(CultureInfo.InvariantCulture)}, but the " +
        $"position sequence's last value is {_frontier.LastPosition.ToString(CultureInfo.InvariantCulture)}: the sequence " +
        "was set back, or the checkpoints come from another database. Positions up to the checkpoint may be taken again " +
        "and would never be read. Fix: set the sequence above the highest stored position (setval), or correct the " +
        "checkpoint, then start the processor again.");

    /// <summary>
    /// A writer that has just started usually commits within moments, so while one holds the frontier the processor
    /// keeps polling quickly; once it has run past <see cref="ConsumerProcessorOptions.BlockedWarningAfter"/>, polling
    /// backs off as it does when idle.
    /// </summary>
    private TimeSpan NextWait(TimeSpan pollInterval) =>
        _frontier.OldestBlocker is { } blocker && DateTimeOffset.UtcNow - blocker.FirstSeen < _options.BlockedWarningAfter
            ? _options.MinPollInterval
            : pollInterval;

    /// <summary>
    /// Waits for a notification or the poll interval, and returns the next interval: short after news, longer after
    /// silence. A table lease's holder wakes at least every third of the lease, so that it renews the lease in time.
    /// </summary>
    private async Task<TimeSpan> WaitAsync(TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        var wait = _options.LeaseMode == ConsumerLeaseMode.Table && _options.LeaseDuration / 3 < pollInterval ? _options.LeaseDuration / 3 : pollInterval;
        var notified = await WakeUp.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        return notified ? _options.MinPollInterval : TimeSpan.FromTicks(Math.Min(pollInterval.Ticks * 2, _options.MaxPollInterval.Ticks));
    }

    private async Task<TimeSpan> BackOffAsync(TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(retryDelay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; the loop sees the token.
        }

        return TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, _options.MaxRetryDelay.Ticks));
    }
}
