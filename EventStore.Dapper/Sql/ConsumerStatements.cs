using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Renders the statements of the consumer processor. See docs/consumers.md for why they are shaped so.</summary>
internal static class ConsumerStatements
{
    /// <summary>
    /// Reads the sequence's last position, and then the transactions that hold the events table's write lock. The lock
    /// subquery refers to the position so that it runs after it: every transaction that took a position up to the one
    /// read, and has not ended, is then in the list, because the lock is taken before a position and kept to the end.
    /// pg_locks spans the cluster and relation ids are per database, so the database is matched too.
    /// </summary>
    public static string ProbeFrontier(string eventsLiteral) => $"""
        SELECT probe.last_position,
               ARRAY(SELECT l.virtualtransaction FROM pg_locks AS l
                     WHERE probe.last_position IS NOT NULL
                       AND l.locktype = 'relation' AND l.database = probe.database AND l.relation = to_regclass('{eventsLiteral}')
                       AND l.mode = 'RowExclusiveLock' AND l.granted
                     ORDER BY l.virtualtransaction) AS writers,
               ARRAY(SELECT COALESCE(l.pid, 0) FROM pg_locks AS l
                     WHERE probe.last_position IS NOT NULL
                       AND l.locktype = 'relation' AND l.database = probe.database AND l.relation = to_regclass('{eventsLiteral}')
                       AND l.mode = 'RowExclusiveLock' AND l.granted
                     ORDER BY l.virtualtransaction) AS writer_pids
        FROM (SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{eventsLiteral}', 'global_position')::regclass), 0) AS last_position,
                     (SELECT oid FROM pg_database WHERE datname = current_database()) AS database
              OFFSET 0) AS probe
        """;

    public static string EnsureCheckpoint(string checkpoints) =>
        $"INSERT INTO {checkpoints} (consumer_name) VALUES (@{ConsumerName}) ON CONFLICT (consumer_name) DO NOTHING";

    /// <summary>Locks the consumer's checkpoint row for the batch, so two instances can never both move it.</summary>
    public static string LockCheckpoint(string checkpoints) =>
        $"SELECT global_position FROM {checkpoints} WHERE consumer_name = @{ConsumerName} FOR UPDATE";

    public static string SaveCheckpoint(string checkpoints) =>
        $"UPDATE {checkpoints} SET global_position = @{ToPosition}, updated_at = now() WHERE consumer_name = @{ConsumerName}";

    public static string TryLease => $"SELECT pg_try_advisory_lock(hashtextextended(@{ConsumerName}, 0))";

    public static string ReleaseLease => $"SELECT pg_advisory_unlock(hashtextextended(@{ConsumerName}, 0))";
}
