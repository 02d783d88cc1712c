using System.Data;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventStore.Dapper;

/// <summary>
/// Operates consumers from outside the processor, on the caller's transaction: reads their status and moves their
/// checkpoints. Safe while processor instances run: every change locks the consumer's checkpoint rows, which each batch
/// also locks, so it waits for a batch in flight, and the instances go on from the new state.
/// </summary>
/// <remarks>
/// Thread-safe; create one per set of table names. A consumer split into partitions is named as it is declared; every
/// partition's row is acted on.
/// </remarks>
public sealed partial class ConsumerAdmin
{
    private readonly SqlDialect _sql;
    private readonly ILogger _logger;
    private readonly StatementPreparation _preparation;

    /// <summary>Creates an admin over the tables named in <paramref name="options"/>.</summary>
    /// <param name="options">Table names and logger; <see langword="null"/> for <see cref="EventStoreOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">A configured name is not a plain PostgreSQL identifier.</exception>
    public ConsumerAdmin(EventStoreOptions? options = null)
    {
        options ??= EventStoreOptions.Default;
        _sql = new SqlDialect(options);
        _logger = options.Logger ?? NullLogger.Instance;
        _preparation = new StatementPreparation(options.PrepareStatements, options.PrepareBehindPooler, _logger);
    }

    /// <summary>
    /// Reads where each consumer stands and why, in one statement: checkpoint, safe frontier, lag in positions and in
    /// time, the instance holding it, the transaction holding its frontier back, and its failures. Reads only; it takes
    /// no lock a batch would wait for.
    /// </summary>
    /// <param name="transaction">The transaction to read in.</param>
    /// <param name="consumer">One consumer, its partitions included; <see langword="null"/> for every checkpoint row.</param>
    /// <param name="cancellationToken">Cancels the call on the server.</param>
    /// <returns>One status per checkpoint row, by name; empty when there are none.</returns>
    /// <exception cref="ArgumentException">The transaction is not Npgsql's, or <paramref name="consumer"/> is blank.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed or its connection is closed.</exception>
    public async Task<IReadOnlyList<ConsumerStatus>> ReadStatusAsync(
        IDbTransaction transaction, string? consumer = null, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        if (consumer is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        }

        return await StoreCommands.RunAsync(_sql.ConsumerStatus.Create(connection, npgsqlTransaction, consumer), _preparation, 0,
            static (reader, _, token) => ConsumerStatusStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a consumer's checkpoint to <paramref name="position"/>: 0 rebuilds it from the start of the log, and a
    /// position ahead skips the events up to it. Safe while instances run: the move waits for a batch in flight, takes
    /// the consumer's lease from the instance holding it (a table lease is cleared; both kinds are fenced by the
    /// checkpoint row's epoch), and that instance, or another, goes on from the new checkpoint. A stop after failures
    /// is cleared too.
    /// </summary>
    /// <remarks>
    /// The handler's read model is the caller's to clear in the same transaction, so that the rebuild and its starting
    /// point commit together. Until the transaction ends the consumer's batches wait for it; keep it short. To rebuild
    /// without downtime, build under a new consumer name instead and switch (docs/consumers.md, "Rebuilds").
    /// </remarks>
    /// <param name="transaction">The transaction to move in; the move takes effect once it commits.</param>
    /// <param name="consumer">The consumer's name, as declared; every partition moves.</param>
    /// <param name="position">The new checkpoint: the consumer next handles the events after it.</param>
    /// <param name="cancellationToken">Cancels the call on the server.</param>
    /// <returns>Each checkpoint row moved, from where to where.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="consumer"/> is blank or has no checkpoint row, or <paramref name="position"/> is beyond the safe
    /// frontier, where a running transaction may still commit events below it that the consumer would never see.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is negative.</exception>
    public async Task<IReadOnlyList<CheckpointMove>> ResetAsync(
        IDbTransaction transaction, string consumer, long position, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        var statuses = await ReadStatusAsync(transaction, consumer ?? throw new ArgumentNullException(nameof(consumer)), cancellationToken).ConfigureAwait(false);
        if (statuses.Count == 0)
        {
            throw NoSuchConsumer(consumer);
        }

        if (statuses.FirstOrDefault(status => position > status.SafeFrontier) is { } unsettled)
        {
            throw BeyondFrontier(unsettled, position);
        }

        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        var moves = await StoreCommands.RunAsync(_sql.ConsumerReset.Create(connection, npgsqlTransaction, consumer, position), _preparation, position,
            static (reader, to, token) => ConsumerResetStatement.ReadAsync(reader, to, token), cancellationToken).ConfigureAwait(false);
        moves.ForEach(move => ConsumerLog.CheckpointMoved(_logger, move.Consumer, move.From, move.To));
        return moves;
    }

    /// <summary>
    /// Deletes a retired consumer's checkpoint rows, after a blue/green switch for example, so that partition archival
    /// no longer waits for it. Refused while any instance holds the consumer: stop those instances first.
    /// </summary>
    /// <param name="transaction">The transaction to delete in.</param>
    /// <param name="consumer">The consumer's name, as declared; every partition's row goes.</param>
    /// <param name="cancellationToken">Cancels the call on the server.</param>
    /// <returns>The checkpoint rows deleted.</returns>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is blank or has no checkpoint row.</exception>
    /// <exception cref="InvalidOperationException">An instance holds the consumer; nothing was deleted.</exception>
    public async Task<IReadOnlyList<string>> RemoveAsync(IDbTransaction transaction, string consumer, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        var rows = await StoreCommands.RunAsync(_sql.ConsumerRemove.Create(connection, npgsqlTransaction, consumer), _preparation, 0,
            static (reader, _, token) => ConsumerRemoveStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            throw NoSuchConsumer(consumer);
        }

        if (rows.Where(row => row.Held).Select(row => row.Row).ToList() is { Count: > 0 } held)
        {
            throw new InvalidOperationException(
                $"Consumer {consumer} is still run by a processor instance ({string.Join(", ", held)} held), so its checkpoint " +
                "was not removed. Stop the instances that run it, or wait for their leases to expire, then remove it.");
        }

        return [.. rows.Select(row => row.Row)];
    }

    /// <summary>
    /// Lets a consumer that stopped on a failing event run again, after its handler or data is fixed: clears the stop
    /// and the attempt count, so the event gets every attempt again. Running instances pick it up at their next poll.
    /// </summary>
    /// <param name="transaction">The transaction to resume in; the consumer resumes once it commits.</param>
    /// <param name="consumer">The consumer's name, as declared.</param>
    /// <param name="cancellationToken">Cancels the call on the server.</param>
    /// <returns>How many of the consumer's checkpoint rows had stopped: 0 when it was running.</returns>
    /// <exception cref="ArgumentException"><paramref name="consumer"/> is blank, or has no checkpoint row.</exception>
    public async Task<int> ResumeAsync(IDbTransaction transaction, string consumer, CancellationToken cancellationToken = default)
    {
        var (connection, npgsqlTransaction) = CallerTransaction.Check(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        var (rows, stopped) = await StoreCommands.RunAsync(_sql.ConsumerResume.Create(connection, npgsqlTransaction, consumer), _preparation, 0,
            static (reader, _, token) => ConsumerResumeStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        return rows == 0 ? throw NoSuchConsumer(consumer) : stopped;
    }

    private static ArgumentException BeyondFrontier(ConsumerStatus status, long position) => new(
        $"Consumer {status.Consumer} cannot be moved to position {position.ToString(CultureInfo.InvariantCulture)}: only the " +
        $"positions up to its safe frontier, {status.SafeFrontier.ToString(CultureInfo.InvariantCulture)}, are settled. Beyond it a " +
        "running transaction may still commit events at lower positions, and the consumer would never see them" +
        (status.BlockedBy is { } blocker ? $" (backend {blocker.ProcessId.ToString(CultureInfo.InvariantCulture)} holds it back)" : string.Empty) +
        $". Move it to {status.SafeFrontier.ToString(CultureInfo.InvariantCulture)} or lower, or wait for the writers to finish and try again.",
        nameof(position));

    private ArgumentException NoSuchConsumer(string consumer) => new(
        $"Consumer {consumer} has no checkpoint row in {_sql.CheckpointsTable}: it has never run against these tables, or the " +
        "name is misspelt. Consumer names are compared exactly; a partitioned consumer is named without its partition.",
        nameof(consumer));
}
