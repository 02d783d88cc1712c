using System.Diagnostics;
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

    // How often the holder records a moving frontier for status; a change of blocker is recorded at once.
    private static readonly TimeSpan ObserveEvery = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IConsumer _consumer;
    private readonly SqlDialect _sql;
    private readonly ConsumerProcessorOptions _options;
    private readonly ILogger _logger;
    private readonly StatementPreparation _preparation;
    private readonly string _owner;
    private readonly ConsumerPartition? _partition;

    // The checkpoint row, which names the lease: the consumer's name, or its partition's.
    private readonly string _rowName;
    private readonly string[]? _aggregateTypes;
    private readonly string[]? _eventTypes;
    private readonly GapFrontier _frontier = new();
    private readonly PassedGaps _passedGaps = new();
    private readonly HashSet<string> _reportedBlockers = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _consumerTag;
    private readonly ConsumerProgress _progress;
    private readonly PoisonEvents _poison;

    // What the row last recorded of this holder's view, so unchanged views are not written again.
    private (long SafePosition, string? Blocker, long At)? _observed;

    // The checkpoint as last read or written; -1 until then. Only saves a transaction when there is nothing to do.
    private long _knownCheckpoint = -1;
    private bool _layoutChecked;

    public ConsumerWorker(
        NpgsqlDataSource dataSource, IConsumer consumer, SqlDialect sql, ConsumerProcessorOptions options, ILogger logger,
        StatementPreparation preparation, string owner, WakeUp wakeUp, ConsumerPartition? partition = null)
    {
        _partition = partition;
        _rowName = partition is null ? consumer.Name : ConsumerRows.PartitionName(consumer.Name, partition.Index, partition.Count);
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
        // A partition is its own checkpoint row, so it is counted, failed and reported under that row's name.
        _consumerTag = new("consumer", _rowName);
        _poison = new PoisonEvents(_rowName, sql, preparation, options, logger, _consumerTag);
        _progress = new ConsumerProgress(_consumerTag, _poison.State);
    }

    public WakeUp WakeUp { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lease = CreateLease();
        await using var disposeLease = lease.ConfigureAwait(false);
        using var tracked = ConsumerMetrics.Track(_progress);
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
                ConsumerLog.LeaseLost(_logger, _rowName, lost.Epoch);
                Forget();
            }
            catch (HandlerFailure) when (_poison.State.Stopped)
            {
                // The failure stopped the consumer and was logged as the stop; the next step finds it stopped.
                ConsumerMetrics.BatchFailures.Add(1, _consumerTag);
            }
            catch (HandlerFailure failure)
            {
                ConsumerMetrics.BatchFailures.Add(1, _consumerTag);
                if (failure.FailedEvent is { } failedEvent)
                {
                    ConsumerLog.HandlerFailed(_logger, failure.InnerException!, _rowName, failedEvent.GlobalPosition, failedEvent.EventType, retryDelay);
                }
                else
                {
                    ConsumerLog.BatchHandlerFailed(_logger, failure.InnerException!, _rowName, failure.Batch[0].GlobalPosition, failure.Batch[^1].GlobalPosition, retryDelay);
                }

                retryDelay = await BackOffAsync(retryDelay, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is not (UnsafeEventLogException or PoolerRefusalException or PartitionLayoutException)
                                            && (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                // A lost connection, a restarted server: start again from the stored checkpoint on a new connection.
                ConsumerMetrics.BatchFailures.Add(1, _consumerTag);
                ConsumerLog.ConnectionFailed(_logger, failure, _rowName, retryDelay);
                await lease.ReleaseAsync().ConfigureAwait(false);
                Forget();
                retryDelay = await BackOffAsync(retryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Does one step of work; true when the checkpoint moved, so the next step should follow at once.</summary>
    private async Task<bool> StepAsync(IConsumerLease lease, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeConnection = connection.ConfigureAwait(false);
        if (!_layoutChecked)
        {
            await PartitionLayout.CheckAsync(connection, _sql, _preparation, _consumer.Name, _partition?.Count, cancellationToken).ConfigureAwait(false);
            _layoutChecked = true;
        }

        switch (await lease.HoldAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            case LeaseState.NotHeld:
                _progress.Held = false;
                await connection.CloseAsync().ConfigureAwait(false);
                await Task.Delay(_options.TakeoverInterval, cancellationToken).ConfigureAwait(false);
                return false;
            case LeaseState.Taken:
                ConsumerLog.LeaseTaken(_logger, _rowName);
                Forget();
                break;
        }

        var probe = await ProbeAsync(connection, cancellationToken).ConfigureAwait(false);
        if (!lease.IsCurrent(probe.CheckpointEpoch))
        {
            // Reset under an advisory lock: what this instance remembers of the checkpoint no longer holds.
            ConsumerLog.CheckpointReset(_logger, _rowName, probe.CheckpointEpoch ?? 0);
            Forget();
            return true;
        }

        var safePosition = _frontier.SafePosition;
        _progress.Held = true;
        _progress.LastPosition = probe.LastPosition;
        _progress.OldestUnhandledAt = probe.OldestUnhandledAt;
        await ObserveAsync(connection, safePosition, cancellationToken).ConfigureAwait(false);
        if (safePosition <= _knownCheckpoint)
        {
            return false;
        }

        return await HandleBatchAsync(lease, connection, safePosition, cancellationToken).ConfigureAwait(false);
    }

    private IConsumerLease CreateLease()
    {
        var logCheck = new LogCheck(_sql, _preparation, _options.TakeoverInterval);
        IConsumerLease lease = _options.LeaseMode == ConsumerLeaseMode.Table
            ? new TableLease(_dataSource, _sql, _preparation, new LeaseHolder(_rowName, _owner, _options.LeaseDuration), logCheck)
            : new AdvisoryLockLease(_dataSource, _sql, _preparation, _rowName, logCheck);
        return _partition is null ? lease : new PartitionLease(lease, _partition, _rowName, _sql, _preparation, _options.LeaseMode, _logger);
    }

    private async Task<FrontierProbe> ProbeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var probe = await StoreCommands.RunAsync(_sql.FrontierProbe.Create(connection, _passedGaps, _rowName, _knownCheckpoint), _preparation, 0,
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
        _frontier.Advance(probe, now);
        ReportBlocker(probe.LastPosition, now);
        return probe;
    }

    /// <summary>
    /// Records the holder's view for status when the blocker changed, or, at most every <see cref="ObserveEvery"/>,
    /// when the frontier moved; an idle consumer writes nothing.
    /// </summary>
    private async Task ObserveAsync(NpgsqlConnection connection, long safePosition, CancellationToken cancellationToken)
    {
        var blocker = _frontier.OldestBlocker;
        _progress.BlockedSince = blocker?.FirstSeen;
        if (_observed is { } observed && observed.Blocker == blocker?.VirtualTransactionId
            && (observed.SafePosition == safePosition || Stopwatch.GetElapsedTime(observed.At) < ObserveEvery))
        {
            return;
        }

        var at = Stopwatch.GetTimestamp();
        await StoreCommands.RunAsync(_sql.Observation.Create(connection, _rowName, _owner, safePosition, blocker), _preparation, 0,
            static (reader, _, _) => Task.FromResult(reader.RecordsAffected), cancellationToken).ConfigureAwait(false);
        _observed = (safePosition, blocker?.VirtualTransactionId, at);
    }

    /// <summary>Forgets what this instance knew of the checkpoint, to read it again under the lease.</summary>
    private void Forget()
    {
        _knownCheckpoint = -1;
        _observed = null;
        _progress.Held = false;
    }

    private async Task<bool> HandleBatchAsync(IConsumerLease lease, NpgsqlConnection connection, long safePosition, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var disposeTransaction = transaction.ConfigureAwait(false);
        var row = await lease.LockCheckpointAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var checkpoint = row.Position;
        if (checkpoint > _frontier.LastPosition)
        {
            throw SequenceBehind(checkpoint);
        }

        var through = _poison.Through(row, safePosition);
        if (checkpoint >= through)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _knownCheckpoint = checkpoint;
            _progress.Checkpoint = checkpoint;
            return false;
        }

        var limit = _poison.Limit(checkpoint);
        var events = await ReadBatchAsync(connection, transaction, checkpoint, through, limit, cancellationToken).ConfigureAwait(false);
        // A full batch may stop short of the bound; otherwise every position up to it is settled and seen.
        var plan = _poison.Plan(row, events, events.Count == limit ? events[^1].GlobalPosition : through);
        if (plan.DeadLetter is { } poison)
        {
            await _poison.DeadLetterAsync(connection, transaction, poison, cancellationToken).ConfigureAwait(false);
        }
        else if (plan.Events.Count > 0)
        {
            await HandleOrRecordAsync(lease, connection, transaction, plan.Events, cancellationToken).ConfigureAwait(false);
        }

        await lease.SaveCheckpointAsync(connection, transaction, plan.Reached, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // A filtered or partitioned batch passes others' events unseen, and would take their positions for gaps.
        if (_aggregateTypes is null && _eventTypes is null && _partition is null)
        {
            _passedGaps.Record(checkpoint, plan.Reached, plan.Passed);
        }

        _knownCheckpoint = plan.Reached;
        _progress.Checkpoint = plan.Reached;
        _poison.Committed(row, plan);
        ConsumerMetrics.EventsHandled.Add(plan.Events.Count, _consumerTag);
        return true;
    }

    /// <summary>Handles the events; when the handler fails, rolls the batch back and records the failure before it is retried.</summary>
    private async Task HandleOrRecordAsync(
        IConsumerLease lease, NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(transaction, events, cancellationToken).ConfigureAwait(false);
        }
        catch (HandlerFailure failure)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            await _poison.RecordAsync(lease, connection, failure, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<List<PersistedEvent>> ReadBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long checkpoint, long safePosition, int limit, CancellationToken cancellationToken)
    {
        var command = _sql.ConsumerBatch.Create(connection, transaction, checkpoint, safePosition, limit, _aggregateTypes, _eventTypes, _partition);
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
    private async Task HandleAsync(NpgsqlTransaction transaction, IReadOnlyList<PersistedEvent> events, CancellationToken cancellationToken)
    {
        PersistedEvent? current = null;
        try
        {
            if (_consumer is IBatchConsumer batchConsumer)
            {
                // Read-only, because the passed gaps are taken from this list after the handler returns: a handler that
                // cast it back to a List and removed events would make their positions look like gaps.
                var batch = events is List<PersistedEvent> list ? list.AsReadOnly() : events;
                await batchConsumer.HandleBatchAsync(transaction, batch, cancellationToken).ConfigureAwait(false);
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
            ConsumerLog.HeldBack(_logger, _rowName, _frontier.SafePosition, blocker.VirtualTransactionId, blocker.ProcessId, heldFor.TotalSeconds, lastPosition);
        }
    }

    private UnsafeEventLogException LateEvent(long position) => new("late event",
        $"Consumer {_rowName} found an event at position {position.ToString(CultureInfo.InvariantCulture)}, which it had " +
        "passed as a gap, so that event was never delivered. Something wrote outside the processor's assumptions: a writer " +
        "that took positions with nextval() or inserted explicit ones, a sequence set back, or a cache seen too late. The " +
        "processor stops instead of running on. Fix: find and stop that writer (docs/consumers.md, \"What the argument " +
        "assumes\"), handle the event by hand, then start the processor again; it does not go back.");

    private UnsafeEventLogException Archived(long checkpoint, ArchivedEventsException archived) => new("archived events",
        $"Consumer {_rowName} has its checkpoint at {checkpoint.ToString(CultureInfo.InvariantCulture)}, below an " +
        $"archived partition of the log, so it cannot read the events it has not handled: {archived.Message} The processor " +
        "stops this consumer instead of skipping them. Fix: attach the partition again, or, if the consumer must not see " +
        "those events, move its checkpoint to the partition's last position; then start the processor again.");

    private UnsafeEventLogException SequenceBehind(long checkpoint) => new("sequence reset",
        $"Consumer {_rowName} has its checkpoint at {checkpoint.ToString(CultureInfo.InvariantCulture)}, but the " +
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
