using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Reads the sequence's last position, and then the transactions that hold the events table's write lock
/// (<see cref="EventWriterLocks"/>). The lock subquery refers to the position so that it runs after it: every
/// transaction that took a position up to the one read, and has not ended, is then in the list. On a partitioned
/// events table the partitions' locks count as well, so that a writer inserting into a partition directly is seen; a
/// writer holding several of them is listed once, and both lists come from one scan, so each writer keeps its process.
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
/// <para>
/// The last two columns serve the consumer rather than the frontier: its checkpoint row's epoch, which a reset raises,
/// so that an instance idling at a checkpoint it remembers learns of the reset; and when the oldest event after that
/// checkpoint was stored, for the lag the consumer reports. Each is one primary-key probe.
/// </para>
/// </summary>
/// <remarks>
/// The parameters are the passed gaps to look into, as arrays of their lowest and highest positions, then the
/// consumer's checkpoint row and the checkpoint the instance last knew (-1 when it knows none).
/// </remarks>
internal sealed class FrontierProbeStatement(string events, string checkpoints)
{
    public string Sql { get; } = $"""
        SELECT probe.last_position,
               lockers.writers,
               lockers.writer_pids,
               (SELECT min(e.global_position)
                FROM unnest($1::bigint[], $2::bigint[]) AS gap (low, high)
                CROSS JOIN LATERAL (SELECT global_position FROM {events}
                                    WHERE global_position BETWEEN gap.low AND gap.high
                                    ORDER BY global_position LIMIT 1) AS e
                WHERE cardinality($1::bigint[]) > 0) AS late_position,
               probe.sequence::text AS sequence,
               (SELECT p.cache_size FROM pg_sequence_parameters(probe.sequence) AS p
                WHERE probe.last_position IS NOT NULL) AS sequence_cache,
               (SELECT c.lease_epoch FROM {checkpoints} AS c WHERE c.consumer_name = $3) AS checkpoint_epoch,
               (SELECT e.created_at FROM {events} AS e
                WHERE $4 >= 0 AND e.global_position > $4 ORDER BY e.global_position LIMIT 1) AS oldest_unhandled_at
        FROM (SELECT COALESCE(pg_sequence_last_value(owned.sequence), 0) AS last_position,
                     owned.sequence,
                     {EventWriterLocks.Database} AS database,
                     {EventWriterLocks.Relations(events)} AS relations
              FROM (SELECT pg_get_serial_sequence('{events}', 'global_position')::regclass AS sequence) AS owned
              OFFSET 0) AS probe
        CROSS JOIN LATERAL (
            SELECT COALESCE(array_agg(w.virtualtransaction ORDER BY w.virtualtransaction), ARRAY[]::text[]) AS writers,
                   COALESCE(array_agg(w.pid ORDER BY w.virtualtransaction), ARRAY[]::integer[]) AS writer_pids
            FROM (SELECT DISTINCT l.virtualtransaction, COALESCE(l.pid, 0) AS pid
                  FROM pg_locks AS l
                  WHERE probe.last_position IS NOT NULL
                    AND {EventWriterLocks.Held("l", "probe.database", "probe.relations")}) AS w
        ) AS lockers
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, PassedGaps gaps, string consumer, long knownCheckpoint)
    {
        var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = gaps.Lows });
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = gaps.Highs });
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = knownCheckpoint });
        return command;
    }

    public static async Task<FrontierProbe> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new FrontierProbe(
            reader.GetInt64(0),
            reader.GetFieldValue<string[]>(1),
            reader.GetFieldValue<int[]>(2),
            reader.IsDBNull(3) ? null : reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? 0 : reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetInt64(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
    }
}
