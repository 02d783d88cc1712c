using System.Data;
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

    private ArgumentException NoSuchConsumer(string consumer) => new(
        $"Consumer {consumer} has no checkpoint row in {_sql.CheckpointsTable}: it has never run against these tables, or the " +
        "name is misspelt. Consumer names are compared exactly; a partitioned consumer is named without its partition.",
        nameof(consumer));
}
