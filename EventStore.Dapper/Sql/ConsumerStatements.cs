using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Renders the statements of the consumer processor. See docs/consumers.md for why they are shaped so.</summary>
internal static class ConsumerStatements
{
    /// <summary>The positional placeholders of <see cref="ProbeFrontier"/>: the passed gaps to look into, as two arrays.</summary>
    public const string GapLows = "$1";

    /// <inheritdoc cref="GapLows"/>
    public const string GapHighs = "$2";

    /// <summary>
    /// Reads the sequence's last position, and then the transactions that hold the events table's write lock. The lock
    /// subquery refers to the position so that it runs after it: every transaction that took a position up to the one
    /// read, and has not ended, is then in the list, because the lock is taken before a position and kept to the end.
    /// pg_locks spans the cluster and relation ids are per database, so the database is matched too.
    /// <para>
    /// <c>late_position</c> is the tripwire: the first event found in a gap the consumer already passed, which should
    /// never exist. It probes the primary key once per gap, and not at all while there are none, so a prepared probe
    /// costs what it did without it.
    /// </para>
    /// <para>
    /// <c>sequence_cache</c> is read after the position, through the catalog cache rather than the statement's
    /// snapshot: reading the position locks the sequence, which applies every committed <c>ALTER SEQUENCE</c> first.
    /// So a position inflated by a cached reservation always comes with the cache that made it, and a cache raised
    /// between two lease checks stops the processor before its frontier passes a reserved position.
    /// </para>
    /// </summary>
    public static string ProbeFrontier(string events) => $"""
        SELECT probe.last_position,
               ARRAY(SELECT l.virtualtransaction FROM pg_locks AS l
                     WHERE probe.last_position IS NOT NULL
                       AND l.locktype = 'relation' AND l.database = probe.database AND l.relation = to_regclass('{events}')
                       AND l.mode = 'RowExclusiveLock' AND l.granted
                     ORDER BY l.virtualtransaction) AS writers,
               ARRAY(SELECT COALESCE(l.pid, 0) FROM pg_locks AS l
                     WHERE probe.last_position IS NOT NULL
                       AND l.locktype = 'relation' AND l.database = probe.database AND l.relation = to_regclass('{events}')
                       AND l.mode = 'RowExclusiveLock' AND l.granted
                     ORDER BY l.virtualtransaction) AS writer_pids,
               (SELECT min(e.global_position)
                FROM unnest({GapLows}::bigint[], {GapHighs}::bigint[]) AS gap (low, high)
                CROSS JOIN LATERAL (SELECT global_position FROM {events}
                                    WHERE global_position BETWEEN gap.low AND gap.high
                                    ORDER BY global_position LIMIT 1) AS e
                WHERE cardinality({GapLows}::bigint[]) > 0) AS late_position,
               probe.sequence::text AS sequence,
               (SELECT p.cache_size FROM pg_sequence_parameters(probe.sequence) AS p
                WHERE probe.last_position IS NOT NULL) AS sequence_cache
        FROM (SELECT COALESCE(pg_sequence_last_value(owned.sequence), 0) AS last_position,
                     owned.sequence,
                     (SELECT oid FROM pg_database WHERE datname = current_database()) AS database
              FROM (SELECT pg_get_serial_sequence('{events}', 'global_position')::regclass AS sequence) AS owned
              OFFSET 0) AS probe
        """;

    /// <summary>
    /// Reads the facts the frontier argument assumes, in <see cref="LogFacts"/>' order. It runs on the lease connection
    /// when a lease is taken and at every lease check, so it also proves the lease's session is alive.
    /// </summary>
    public static string CheckLog(string events) => $"""
        SELECT log.events::text AS events_table,
               pg_is_in_recovery() AS standby,
               (SELECT c.relkind::text FROM pg_class AS c WHERE c.oid = log.events) AS events_kind,
               EXISTS (SELECT FROM pg_inherits AS i WHERE i.inhparent = log.events) AS events_inherited,
               log.sequence::text AS sequence,
               EXISTS (SELECT FROM pg_attribute AS a
                       LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                       WHERE a.attrelid = log.events AND a.attname = 'global_position'
                         AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) = format('nextval(%L::regclass)', log.sequence::text))
                      ) AS default_takes_sequence,
               COALESCE(s.seqcache, 0) AS sequence_cache,
               COALESCE(s.seqincrement, 0) AS sequence_increment,
               COALESCE(s.seqcycle, false) AS sequence_cycles,
               EXISTS (SELECT FROM pg_class AS c WHERE c.oid = log.sequence AND c.relpersistence = 'u') AS sequence_unlogged,
               EXISTS (SELECT FROM pg_subscription_rel AS r WHERE r.srrelid = log.events) AS subscribed
        FROM (SELECT to_regclass('{events}') AS events,
                     pg_get_serial_sequence('{events}', 'global_position')::regclass AS sequence) AS log
        LEFT JOIN pg_sequence AS s ON s.seqrelid = log.sequence
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
