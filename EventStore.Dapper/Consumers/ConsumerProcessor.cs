using EventStore.Consumers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Runs consumers over the event log with checkpoints that never skip an event: each consumer sees every committed
/// event once, in global-position order, and never a rolled-back one. See docs/consumers.md for the argument.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><description>Each batch is one transaction: the handler's writes and the checkpoint commit together, so a read
/// model in the same database is updated effectively once.</description></item>
/// <item><description>The processor never reads past a position that a running transaction may still fill, however long
/// that transaction runs; it waits, reports the transaction that holds it back, and never skips on a timeout.</description></item>
/// <item><description>A gap left by a rollback stops holding progress once every transaction that could own it has ended.</description></item>
/// <item><description>Several processes may run the same consumers: one instance processes a consumer at a time, and
/// another takes over within <see cref="ConsumerProcessorOptions.TakeoverInterval"/> when it dies. A consumer split into
/// partitions (<see cref="IPartitionedConsumer"/>) is shared: each partition is processed by one instance at a time.</description></item>
/// <item><description>A handler exception rolls its batch back; the batch is retried with backoff while other consumers
/// carry on. After <see cref="ConsumerProcessorOptions.MaxAttempts"/> failures on one event the consumer stops, or the
/// event is dead-lettered (<see cref="ConsumerProcessorOptions.PoisonEventHandling"/>).</description></item>
/// </list>
/// </remarks>
public sealed class ConsumerProcessor
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<IConsumer> _consumers;
    private readonly ConsumerProcessorOptions _options;
    private readonly SqlDialect _sql;
    private readonly ILogger _logger;
    private readonly StatementPreparation _preparation;

    /// <summary>Prepares a processor; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="dataSource">Where the processor opens its connections: one per consumer for its lease, one per step, one to listen.</param>
    /// <param name="consumers">The consumers, each with a unique, stable name.</param>
    /// <param name="options">Tables, batch size, timings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">
    /// No consumers, a blank or repeated name, a name ending in ']' (kept for partitions' rows), a partition count out of
    /// range, or invalid options.
    /// </exception>
    public ConsumerProcessor(NpgsqlDataSource dataSource, IEnumerable<IConsumer> consumers, ConsumerProcessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(consumers);
        _dataSource = dataSource;
        _consumers = [.. consumers];
        _options = options ?? new ConsumerProcessorOptions();
        Validate(_consumers, _options);
        _sql = new SqlDialect(_options.Store);
        _logger = _options.Store.Logger ?? NullLogger.Instance;
        _preparation = new StatementPreparation(_options.Store.PrepareStatements, _options.Store.PrepareBehindPooler, _logger);
        DapperTypeHandlers.EnsureNullStringHandler();
    }

    /// <summary>Runs every consumer until <paramref name="cancellationToken"/> is cancelled, then stops cleanly.</summary>
    /// <param name="cancellationToken">Stops the processor; batches in flight are rolled back.</param>
    /// <returns>A task that completes once every consumer has stopped.</returns>
    /// <exception cref="UnsafeEventLogException">
    /// The log breaks an assumption that keeps consumers from skipping events, at the start or while running; every
    /// consumer is stopped first. The message names the assumption and the fix.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The data source goes through a pooler, such as PgBouncer, with <see cref="ConsumerLeaseMode.AdvisoryLock"/> or
    /// with Npgsql's automatic preparation on; or a consumer's checkpoint rows were written with another
    /// <see cref="IPartitionedConsumer.PartitionCount"/>. Every consumer is stopped first. The message names the fix.
    /// </exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // One name per run, so that a restarted instance is a new lease holder; host and process say where it runs.
        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var balancers = _consumers.OfType<IPartitionedConsumer>()
            .ToDictionary(consumer => consumer.Name, consumer => new PartitionBalancer(
                _dataSource, _sql, _preparation, consumer.Name, consumer.PartitionCount, owner, _options, _logger), StringComparer.Ordinal);
        var workers = _consumers
            .SelectMany(consumer => PartitionsOf(consumer, balancers).Select(partition =>
                new ConsumerWorker(_dataSource, consumer, _sql, _options, _logger, _preparation, owner, new WakeUp(), partition)))
            .ToList();
        var running = workers.Select(worker => StopAllOnRefusalAsync(worker.RunAsync(stopAll.Token), stopAll, _logger)).ToList();
        running.AddRange(balancers.Values.Select(balancer => balancer.RunAsync(stopAll.Token)));
        var listenSource = _sql.Listen is not null && _options.ListenConnectionString is { } listenConnectionString
            ? NpgsqlDataSource.Create(listenConnectionString)
            : null;
        if (_sql.Listen is not null)
        {
            var listener = new NotificationListener(listenSource ?? _dataSource, listenSource is not null, _sql, [.. workers.Select(worker => worker.WakeUp)], _logger);
            running.Add(listener.RunAsync(stopAll.Token));
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            workers.ForEach(worker => worker.WakeUp.Dispose());
            if (listenSource is not null)
            {
                await listenSource.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One worker for an unpartitioned consumer (a null partition), one per partition for a partitioned one.</summary>
    private static IEnumerable<ConsumerPartition?> PartitionsOf(IConsumer consumer, Dictionary<string, PartitionBalancer> balancers) =>
        consumer is IPartitionedConsumer partitioned
            ? Enumerable.Range(0, partitioned.PartitionCount).Select(index => (ConsumerPartition?)new ConsumerPartition(index, partitioned.PartitionCount, balancers[consumer.Name]))
            : [null];

    /// <summary>
    /// An unsafe log is unsafe for every consumer, and a refused setup is refused for all, so the first worker to find
    /// either out stops the others.
    /// </summary>
    private static async Task StopAllOnRefusalAsync(Task worker, CancellationTokenSource stopAll, ILogger logger)
    {
        try
        {
            await worker.ConfigureAwait(false);
        }
        catch (UnsafeEventLogException unsafeLog)
        {
            ConsumerLog.UnsafeLog(logger, unsafeLog, unsafeLog.Assumption);
            await stopAll.CancelAsync().ConfigureAwait(false);
            throw;
        }
        catch (PoolerRefusalException refusal)
        {
            ConsumerLog.Refused(logger, refusal);
            await stopAll.CancelAsync().ConfigureAwait(false);
            throw;
        }
        catch (PartitionLayoutException refusal)
        {
            ConsumerLog.LayoutRefused(logger, refusal);
            await stopAll.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void Validate(IReadOnlyList<IConsumer> consumers, ConsumerProcessorOptions options)
    {
        if (consumers.Count == 0)
        {
            throw new ArgumentException("A processor needs at least one consumer.", nameof(consumers));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var consumer in consumers)
        {
            ArgumentNullException.ThrowIfNull(consumer, nameof(consumers));
            if (string.IsNullOrWhiteSpace(consumer.Name) || !names.Add(consumer.Name))
            {
                throw new ArgumentException(
                    $"Consumer names must be non-blank and unique, because each names a checkpoint; '{consumer.Name}' is blank or repeated.", nameof(consumers));
            }

            PartitionValidation.Validate(consumer, nameof(consumers));
            if (consumer is IScopedConsumer scoped)
            {
                ValidateTypes(scoped.Name, nameof(scoped.AggregateTypes), scoped.AggregateTypes, consumers);
                ValidateTypes(scoped.Name, nameof(scoped.EventTypes), scoped.EventTypes, consumers);
            }
        }

        ValidateOptions(options);
    }

    /// <summary>A type no event can have would be a filter that silently receives nothing.</summary>
    private static void ValidateTypes(string consumer, string property, IReadOnlyCollection<string>? types, IReadOnlyList<IConsumer> consumers)
    {
        if (types is null)
        {
            throw new ArgumentException(
                $"Consumer {consumer} has null {property}. Return an empty collection to receive every type.", nameof(consumers));
        }

        if (types.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException(
                $"Consumer {consumer} lists a null or blank entry in {property}, which no event has. Remove it, or return an empty collection to receive every type.", nameof(consumers));
        }
    }

    private static void ValidateOptions(ConsumerProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Store, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        foreach (var interval in new[] { options.MinPollInterval, options.MaxPollInterval, options.TakeoverInterval, options.MaxRetryDelay, options.LeaseDuration })
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(options));
        }

        if (options.MaxPollInterval < options.MinPollInterval)
        {
            throw new ArgumentException("MaxPollInterval must not be below MinPollInterval.", nameof(options));
        }

        if (!Enum.IsDefined(options.LeaseMode))
        {
            throw new ArgumentException($"LeaseMode {options.LeaseMode} is not a ConsumerLeaseMode.", nameof(options));
        }

        PoisonEventOptions.Validate(options);

        if (options.ListenConnectionString is not null)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ListenConnectionString);
            }
            catch (ArgumentException invalid)
            {
                throw new ArgumentException($"ListenConnectionString is not a valid Npgsql connection string: {invalid.Message}", nameof(options), invalid);
            }
        }
    }
}
