using System.Data;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// The PostgreSQL event store. Every operation runs on the caller's <see cref="NpgsqlTransaction"/>; the store never
/// opens, commits or rolls back anything, and makes one round trip per call once its statements are prepared on the
/// connection (see <see cref="EventStoreOptions.PrepareStatements"/>).
/// </summary>
/// <remarks>
/// The store is thread-safe and meant to be a singleton. Create the schema first, from <see cref="MigrationEmitter"/>
/// or <see cref="SqlDialect.Schema"/>.
/// </remarks>
public sealed class PostgresEventStore : IEventStore, IAggregateStreamReader, IEventReader, IGlobalPositionReader
{
    /// <summary>The most events one <see cref="ReadEventsAsync"/> call may ask for; page through the log beyond that.</summary>
    public const int MaxReadLimit = 100_000;

    private readonly SqlDialect _sql;
    private readonly ILogger _logger;
    private readonly StatementPreparation _preparation;
    private readonly string _eventsTable;
    private readonly PartitionWatch? _partitionWatch;
    private readonly bool _recordAggregateIds;

    /// <summary>Creates a store over the tables named in <paramref name="options"/>.</summary>
    /// <param name="options">Table names, NOTIFY channel and logger; <see langword="null"/> for <see cref="EventStoreOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">A configured name is not a plain PostgreSQL identifier.</exception>
    public PostgresEventStore(EventStoreOptions? options = null)
    {
        options ??= EventStoreOptions.Default;
        _sql = new SqlDialect(options);
        _eventsTable = options.EventsTable;
        _logger = options.Logger ?? NullLogger.Instance;
        _preparation = new StatementPreparation(options.PrepareStatements, options.PrepareBehindPooler, _logger);
        _partitionWatch = _sql.LastPartition is { } lastPartition && options.PartitionSize is { } partitionSize
            ? new PartitionWatch(lastPartition, partitionSize, options.MinPartitionsAhead, options.EventsTable, _preparation, _logger)
            : null;
        _recordAggregateIds = options.RecordAggregateIds;
        DapperTypeHandlers.EnsureNullStringHandler();
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>The whole append, however many events, is one statement and one round trip. It takes the aggregate's head
    /// row lock, so concurrent appends to one aggregate queue up: with <see cref="ExpectedVersion.Any"/> they all succeed
    /// with contiguous versions, and with <c>Exact(n)</c> exactly one of several racing writers wins.</para>
    /// <para>With <see cref="EventStoreOptions.NotifyChannel"/> set, the append also queues <c>pg_notify(channel, last
    /// global position)</c>, which PostgreSQL delivers only if the caller commits.</para>
    /// <para>Times are stored with microsecond precision; metadata must be UTF-8 JSON and is stored as JSONB.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The transaction is not Npgsql's, or the batch or an event's metadata is invalid.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed or its connection is closed.</exception>
    public async Task<AppendResult> AppendAsync(
        IDbTransaction transaction,
        ExpectedVersion expectedVersion,
        IReadOnlyList<Event> events,
        CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        EventBatch.Validate(events);
        JsonMetadata.Validate(events);

        var command = _sql.Append.Create(connection, npgsqlTransaction, expectedVersion, events);
        using var activity = StoreTelemetry.StartAppend(events[0], events.Count, expectedVersion, _recordAggregateIds);
        var startedAt = Stopwatch.GetTimestamp();
        AppendResult result;
        bool retried;
        try
        {
            (result, retried) = await StoreCommands.RunAsync(command, _preparation, (events, expectedVersion),
                static (reader, append, token) => AppendStatement.ReadAsync(reader, append.events, append.expectedVersion, token),
                cancellationToken).ConfigureAwait(false);
            AppendEnded(activity, events, retried ? AppendOutcome.Retried : AppendOutcome.Appended, result, failure: null, startedAt);
        }
        catch (PostgresException error) when (_sql.Append.Translate(error, events, expectedVersion) is { } translated)
        {
            AppendEnded(activity, events, StoreTelemetry.Classify(translated), result: null, translated, startedAt);
            throw translated;
        }
        catch (PostgresException error) when (_sql.CreatePartitions?.MissingPartition(error, _eventsTable, _partitionWatch?.NextPartitionStart) is { } missing)
        {
            AppendEnded(activity, events, StoreTelemetry.Classify(missing), result: null, missing, startedAt);
            throw missing;
        }
        catch (Exception failure)
        {
            AppendEnded(activity, events, StoreTelemetry.Classify(failure), result: null, failure, startedAt);
            throw;
        }

        if (_partitionWatch is not null && !retried)
        {
            await _partitionWatch.AfterAppendAsync(connection, npgsqlTransaction, result.GlobalPositions[^1], cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The transaction is not Npgsql's, or the aggregate type or id is blank, contains U+0000 or a lone surrogate, or is
    /// over its <see cref="EventLimits"/> byte limit.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A bound is negative, or <paramref name="fromVersion"/> is above <paramref name="toVersion"/>.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed or its connection is closed.</exception>
    public async Task<AggregateStream> ReadAggregateStreamAsync(
        IDbTransaction transaction,
        string aggregateType,
        string aggregateId,
        long? fromVersion = null,
        long? toVersion = null,
        CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        StoredText.ThrowIfInvalidArgument(aggregateType, EventLimits.MaxTypeNameBytes);
        StoredText.ThrowIfInvalidArgument(aggregateId, EventLimits.MaxIdBytes);
        CheckVersionRange(fromVersion, toVersion);

        var command = _sql.StreamRead.Create(connection, npgsqlTransaction, aggregateType, aggregateId, fromVersion, toVersion);
        using var activity = StoreTelemetry.StartRead("eventstore.read_stream", aggregateType, aggregateId, _recordAggregateIds);
        try
        {
            var events = await StoreCommands.RunAsync(command, _preparation, (aggregateType, aggregateId),
                static (reader, aggregate, token) => StreamReadStatement.ReadAsync(reader, aggregate.aggregateType, aggregate.aggregateId, token),
                cancellationToken).ConfigureAwait(false);
            StoreTelemetry.ReadSucceeded(activity, aggregateType, events.Count);
            return new AggregateStream(aggregateType, aggregateId, events);
        }
        catch (PostgresException error) when (ArchiveGuard.Translate(error) is { } archived)
        {
            StoreTelemetry.Failed(activity, archived);
            throw archived;
        }
        catch (Exception failure)
        {
            StoreTelemetry.Failed(activity, failure);
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Positions are unique but not commit-ordered: a transaction that took a lower position can commit after one that
    /// took a higher position, so the highest position read is not a safe checkpoint while others write.
    /// </remarks>
    /// <exception cref="ArgumentException">The transaction is not Npgsql's.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is negative, or <paramref name="limit"/> is not between 1 and <see cref="MaxReadLimit"/>.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed or its connection is closed.</exception>
    public async Task<IReadOnlyList<PersistedEvent>> ReadEventsAsync(
        IDbTransaction transaction,
        long fromPosition,
        int limit,
        CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        ArgumentOutOfRangeException.ThrowIfNegative(fromPosition);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxReadLimit);

        var command = _sql.LogRead.Create(connection, npgsqlTransaction, fromPosition, limit);
        using var activity = StoreTelemetry.StartRead("eventstore.read_events", aggregateType: null, aggregateId: null, _recordAggregateIds);
        try
        {
            var events = await StoreCommands.RunAsync(command, _preparation, 0,
                static (reader, _, token) => LogReadStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
            StoreTelemetry.ReadSucceeded(activity, aggregateType: null, events.Count);
            return events;
        }
        catch (PostgresException error) when (ArchiveGuard.Translate(error) is { } archived)
        {
            StoreTelemetry.Failed(activity, archived);
            throw archived;
        }
        catch (Exception failure)
        {
            StoreTelemetry.Failed(activity, failure);
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The transaction is not Npgsql's.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed or its connection is closed.</exception>
    public async Task<long> GetLatestGlobalPositionAsync(IDbTransaction transaction, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        var command = _sql.LatestPosition.Create(connection, npgsqlTransaction);
        using var activity = StoreTelemetry.StartRead("eventstore.read_latest_position", aggregateType: null, aggregateId: null, _recordAggregateIds);
        try
        {
            return await StoreCommands.RunAsync(command, _preparation, 0,
                static (reader, _, token) => LatestPositionStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            StoreTelemetry.Failed(activity, failure);
            throw;
        }
    }

    /// <summary>
    /// Makes the partition that holds the next position and <paramref name="ahead"/> partitions after it, where they are
    /// missing, on a partitioned events table (<see cref="EventStoreOptions.PartitionSize"/>). Run it often enough that
    /// appends never reach the last partition; it does the same as the schema's function, <c>SELECT
    /// events_create_partitions(ahead)</c>, which a scheduler can run instead.
    /// </summary>
    /// <param name="transaction">The transaction to make them in; they exist for others once it commits.</param>
    /// <param name="ahead">How many partitions to keep beyond the one that holds the next position.</param>
    /// <param name="cancellationToken">Cancels the call on the server.</param>
    /// <returns>How many partitions the call made.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ahead"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The store's events table is not partitioned.</exception>
    public async Task<int> CreatePartitionsAsync(IDbTransaction transaction, int ahead, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        ArgumentOutOfRangeException.ThrowIfNegative(ahead);
        var statement = _sql.CreatePartitions ?? throw NotPartitioned("make");
        var made = await StoreCommands.RunAsync(statement.Create(connection, npgsqlTransaction, ahead), _preparation, 0,
            static (reader, _, token) => CreatePartitionsStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        _partitionWatch?.Forget();
        return made;
    }

    /// <summary>
    /// Archives, on a partitioned events table, the oldest partitions that lie wholly at or below
    /// <paramref name="throughPosition"/> and that every consumer in the checkpoint table has passed: detaches them from the
    /// events table, and records each in the archive table. A partition that a consumer still needs stays, and the result
    /// names the consumer. The same runs from psql as <c>SELECT * FROM events_archive_partitions(through)</c>.
    /// </summary>
    /// <remarks>
    /// <para>Detaching takes the events table's exclusive lock: it waits for running appends and reads, and blocks new
    /// ones until <paramref name="transaction"/> ends. Run it in a short transaction of its own, with a
    /// <c>lock_timeout</c> if a long reader must not hold it up.</para>
    /// <para>A detached partition is an ordinary table, for the operator to dump, move or drop (docs/partitioning.md). Its
    /// key rows stay, so its ids remain duplicates and its versions are never reused. Reads that would skip it fail with
    /// <see cref="ArchivedEventsException"/>, and so does a consumer whose checkpoint lies below it. Consumers that keep
    /// their position outside the checkpoint table are not known here: bound <paramref name="throughPosition"/> by them.</para>
    /// </remarks>
    /// <param name="transaction">The transaction to detach in; the partitions leave the log when it commits.</param>
    /// <param name="throughPosition">The highest position that may be archived.</param>
    /// <param name="cancellationToken">Cancels the call on the server.</param>
    /// <returns>The partitions detached, and the consumer that held back the next one, if one did.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="throughPosition"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The store's events table is not partitioned.</exception>
    public async Task<PartitionArchival> ArchivePartitionsAsync(IDbTransaction transaction, long throughPosition, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        ArgumentOutOfRangeException.ThrowIfNegative(throughPosition);
        var statement = _sql.ArchivePartitions ?? throw NotPartitioned("archive");
        var archival = await StoreCommands.RunAsync(statement.Create(connection, npgsqlTransaction, throughPosition), _preparation, 0,
            static (reader, _, token) => ArchivePartitionsStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        PartitionLog.Archived(_logger, _eventsTable, archival);
        return archival;
    }

    private InvalidOperationException NotPartitioned(string work) => new(
        $"The events table {_eventsTable} is not partitioned: EventStoreOptions.PartitionSize is not set, so there are no partitions to {work}.");

    private static void CheckVersionRange(long? fromVersion, long? toVersion)
    {
        if (fromVersion < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fromVersion), fromVersion, "A version bound cannot be negative.");
        }

        if (toVersion < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(toVersion), toVersion, "A version bound cannot be negative.");
        }

        if (fromVersion > toVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(fromVersion), fromVersion, string.Create(CultureInfo.InvariantCulture,
                $"fromVersion {fromVersion} is above toVersion {toVersion}; the bounds are inclusive and must not be inverted."));
        }
    }

    /// <summary>Reports how an append ended, from one classification, to the log, the span and the metrics.</summary>
    private void AppendEnded(
        Activity? activity, IReadOnlyList<Event> events, AppendOutcome outcome, AppendResult? result, Exception? failure, long startedAt)
    {
        var aggregateType = events[0].AggregateType;
        switch (outcome, result, failure)
        {
            case (AppendOutcome.Appended, { } appended, _):
                Log.Appended(_logger, events.Count, aggregateType, appended.FromVersion, appended.ToVersion,
                    appended.GlobalPositions[0], appended.GlobalPositions[^1]);
                break;
            case (AppendOutcome.Retried, { } retried, _):
                Log.RetryRecognized(_logger, events.Count, aggregateType, retried.FromVersion, retried.ToVersion);
                break;
            case (AppendOutcome.Conflict, _, OptimisticConcurrencyException conflict):
                Log.VersionConflict(_logger, aggregateType, conflict.ExpectedVersion, conflict.ActualVersion);
                break;
            case (AppendOutcome.Duplicate, _, DuplicateEventException duplicate):
                Log.DuplicateEvent(_logger, aggregateType, duplicate.EventId);
                break;
        }

        StoreTelemetry.AppendEnded(activity, aggregateType, events.Count, outcome, failure, startedAt);
    }
}
