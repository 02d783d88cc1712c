using System.Diagnostics;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Checks what the processor assumes of the log (<see cref="LogFacts"/>) when a lease is taken, and again once the
/// check interval has passed while it is held.
/// </summary>
internal sealed class LogCheck(SqlDialect sql, StatementPreparation preparation, TimeSpan interval)
{
    private long _checkedAt;

    /// <summary>Whether the interval has passed since the last check.</summary>
    public bool Due => Stopwatch.GetElapsedTime(_checkedAt) >= interval;

    /// <exception cref="UnsafeEventLogException">An assumption does not hold.</exception>
    public async Task RunAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var facts = await StoreCommands.RunAsync(sql.LogFacts.Create(connection), preparation, 0,
            static (reader, _, token) => LogFactsStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
        _checkedAt = Stopwatch.GetTimestamp();
        facts.ThrowIfUnsafe();
    }
}
