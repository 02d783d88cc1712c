using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Decides, once per connection string, whether statements are prepared on a connection. A prepared statement lives in
/// one server session under a name Npgsql picks per physical connection (<c>_p1</c>, <c>_p2</c>, …). Behind a pooler in
/// transaction mode, a client's next transaction may run in another session, where that name is missing, or names
/// another client's statement: one with the same parameters and other SQL would run without an error. So on a pooled
/// connection nothing is prepared, unless <see cref="EventStoreOptions.PrepareBehindPooler"/> says the pooler keeps
/// each client's statements apart; and Npgsql's own automatic preparation there is refused.
/// </summary>
/// <remarks>Finding out costs one round trip, the first time a connection string is seen.</remarks>
internal sealed class StatementPreparation(bool prepare, bool prepareBehindPooler, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Verdict> _verdicts = new(StringComparer.Ordinal);

    private enum Verdict
    {
        Prepare,
        DoNotPrepare,
        RefuseAutoPrepare,
    }

    /// <summary>Whether to prepare statements on <paramref name="connection"/>.</summary>
    /// <exception cref="InvalidOperationException">The connection goes through a pooler and its connection string turns on Npgsql's automatic preparation.</exception>
    public ValueTask<bool> ShouldPrepareAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (prepareBehindPooler)
        {
            return new(prepare);
        }

        return _verdicts.TryGetValue(connection.ConnectionString, out var verdict)
            ? new(Apply(verdict))
            : DecideAsync(connection, transaction, cancellationToken);
    }

    /// <summary>The refusal for a pooled connection whose server rejected a prepared statement's name.</summary>
    public static PoolerRefusalException PreparedStatementsLost(PostgresException error) => new(
        "PostgreSQL rejected a prepared statement's name (" + error.SqlState + ": " + error.MessageText + "). The connection " +
        "goes through a pooler in transaction mode, such as PgBouncer, which runs a client's transactions in different server " +
        "sessions, and a prepared statement exists only in the session that prepared it. Fix one of: set " +
        "EventStoreOptions.PrepareBehindPooler to false (the default), so that the store stops preparing on pooled connections; " +
        "or set EventStoreOptions.PrepareStatements to false; or upgrade to PgBouncer 1.21 or later and set its " +
        "max_prepared_statements above zero.", error);

    private async ValueTask<bool> DecideAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var target = connection.ConnectionString;
        var autoPrepare = new NpgsqlConnectionStringBuilder(target).MaxAutoPrepare > 0;
        var behindPooler = (prepare || autoPrepare)
            && await BackendProcessStatement.IsBehindPoolerAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var verdict = behindPooler ? (autoPrepare ? Verdict.RefuseAutoPrepare : Verdict.DoNotPrepare)
            : prepare ? Verdict.Prepare : Verdict.DoNotPrepare;
        // Concurrent first calls may all ask; only the one whose answer is kept says so.
        if (_verdicts.TryAdd(target, verdict) && behindPooler)
        {
            PoolingLog.NotPreparingBehindPooler(logger, connection.Host ?? string.Empty, connection.Port);
        }

        return Apply(verdict);
    }

    private static bool Apply(Verdict verdict) => verdict switch
    {
        Verdict.Prepare => true,
        Verdict.DoNotPrepare => false,
        _ => throw new PoolerRefusalException(
            "The connection goes through a pooler, such as PgBouncer, and its connection string sets Max Auto Prepare, so Npgsql " +
            "prepares statements in whichever server session runs a transaction and later runs them by name in another, where " +
            "the name may be missing or name another client's statement. Fix one of: remove Max Auto Prepare from the " +
            "connection string; or, if the pooler keeps each client's prepared statements apart (PgBouncer 1.21 or later with " +
            "max_prepared_statements above zero, or session pooling), set EventStoreOptions.PrepareBehindPooler to true."),
    };
}
