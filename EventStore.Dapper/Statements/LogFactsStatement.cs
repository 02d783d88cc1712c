using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Reads the facts the frontier argument assumes, in <see cref="LogFacts"/>' order. It runs on the lease connection
/// when a lease is taken and at every lease check, so it also proves the lease's session is alive.
/// </summary>
internal sealed class LogFactsStatement(string events)
{
    public string Sql { get; } = $"""
        SELECT log.events::text AS events_table,
               pg_is_in_recovery() AS standby,
               (SELECT c.relkind::text FROM pg_class AS c WHERE c.oid = log.events) AS events_kind,
               EXISTS (SELECT FROM pg_inherits AS i JOIN pg_class AS child ON child.oid = i.inhrelid
                       WHERE i.inhparent = log.events
                         AND NOT (child.relispartition AND child.relkind = 'r'
                                  AND NOT EXISTS (SELECT FROM pg_inherits AS g WHERE g.inhparent = child.oid))
                      ) AS events_inherited,
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

    public NpgsqlCommand Create(NpgsqlConnection connection) => new(Sql, connection);

    public static async Task<LogFacts> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new LogFacts(
            EventsTable: reader.GetString(0),
            Standby: reader.GetBoolean(1),
            EventsTableKind: reader.IsDBNull(2) ? null : reader.GetString(2),
            EventsTableInherited: reader.GetBoolean(3),
            Sequence: reader.IsDBNull(4) ? null : reader.GetString(4),
            DefaultTakesSequence: reader.GetBoolean(5),
            SequenceCache: reader.GetInt64(6),
            SequenceIncrement: reader.GetInt64(7),
            SequenceCycles: reader.GetBoolean(8),
            SequenceUnlogged: reader.GetBoolean(9),
            Subscribed: reader.GetBoolean(10));
    }
}
