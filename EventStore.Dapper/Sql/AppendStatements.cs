using static EventStore.Dapper.AppendParameters;

namespace EventStore.Dapper;

/// <summary>
/// Renders the one-statement append. Every expected-version kind shares the statement and differs only in how it
/// moves the aggregate's head row; the head row lock is what serializes concurrent appends to one aggregate.
/// </summary>
/// <remarks>
/// <para>The statement returns one row per outcome (see <see cref="AppendOutcome"/>): the appended events, or the
/// already-stored events that stopped the append (with where they are stored and whether their content is the same,
/// so that <see cref="AppendRows"/> can tell a retry from a conflict), or the head version that did not match. A plain SELECT in the same
/// statement sees the statement's snapshot, so the mismatch row shows the head as it was when the statement began.</para>
/// <para>The stored-id lookup is shaped for a prepared statement, whose generic plan is made once and kept. One index
/// probe per id, under a LIMIT 1, stays the cheapest plan at any table size, where a plain <c>= ANY(ids)</c> was planned
/// as a sequential scan while the table was new and kept scanning as it grew. The outer limit never cuts anything, since
/// ids are unique and a batch repeats none; it makes the generic plan cost less than one planned for a single event, so
/// PostgreSQL stops re-planning a single-event append on every call, which cost more than running it.</para>
/// </remarks>
internal static class AppendStatements
{
    public static string AnyHead(string heads) => $"""
        INSERT INTO {heads} AS head (aggregate_type, aggregate_id, aggregate_version, updated_at)
            SELECT {AggregateType}, {AggregateId}, {EventCount}, now()
            WHERE NOT EXISTS (SELECT 1 FROM stored)
            ON CONFLICT (aggregate_type, aggregate_id)
            DO UPDATE SET aggregate_version = head.aggregate_version + EXCLUDED.aggregate_version, updated_at = EXCLUDED.updated_at
            RETURNING aggregate_version
        """;

    public static string NoStreamHead(string heads) => $"""
        INSERT INTO {heads} (aggregate_type, aggregate_id, aggregate_version, updated_at)
            SELECT {AggregateType}, {AggregateId}, {EventCount}, now()
            WHERE NOT EXISTS (SELECT 1 FROM stored)
            ON CONFLICT (aggregate_type, aggregate_id) DO NOTHING
            RETURNING aggregate_version
        """;

    public static string ExactHead(string heads) => $"""
        UPDATE {heads}
            SET aggregate_version = aggregate_version + {EventCount}, updated_at = now()
            WHERE aggregate_type = {AggregateType} AND aggregate_id = {AggregateId}
              AND aggregate_version = {Expected}
              AND NOT EXISTS (SELECT 1 FROM stored)
            RETURNING aggregate_version
        """;

    public static string Render(string events, string heads, string headStatement, bool notify)
    {
        var notification = notify
            ? $"""

              UNION ALL
              SELECT {(int)AppendOutcome.Notified}, NULL, NULL, NULL, NULL, NULL, NULL, NULL
              FROM (SELECT pg_notify({NotifyChannel}, max(global_position)::text) FROM appended HAVING count(*) > 0) AS notified
              """
            : string.Empty;
        return $"""
            WITH input AS (
                SELECT *
                FROM unnest({EventIds}, {EventTypes}, {EventVersions}, {Payloads}, {Metadata},
                            {TraceIds}, {CorrelationIds}, {CausationIds}, {CreatedAt})
                    WITH ORDINALITY AS e(event_id, event_type, event_version, payload, metadata,
                                         trace_id, correlation_id, causation_id, created_at, ordinal)
            ),
            stored AS (
                SELECT input.ordinal, match.event_id, match.global_position, match.aggregate_version,
                       match.aggregate_type, match.aggregate_id,
                       match.event_type = input.event_type AND match.event_version = input.event_version
                           AND match.payload = input.payload
                           AND match.metadata IS NOT DISTINCT FROM convert_from(input.metadata, 'UTF8')::jsonb AS same_content
                FROM input CROSS JOIN LATERAL (
                    SELECT event_id, global_position, aggregate_version, aggregate_type, aggregate_id,
                           event_type, event_version, payload, metadata
                    FROM {events} WHERE event_id = input.event_id LIMIT 1
                ) AS match
                LIMIT {EventCount}
            ),
            head AS (
                {headStatement}
            ),
            appended AS (
                INSERT INTO {events} (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, event_version,
                                      payload, metadata, trace_id, correlation_id, causation_id, created_at)
                SELECT {AggregateType}, {AggregateId}, head.aggregate_version - {EventCount} + input.ordinal,
                       input.event_id, input.event_type, input.event_version, input.payload,
                       convert_from(input.metadata, 'UTF8')::jsonb,
                       input.trace_id, input.correlation_id, input.causation_id, input.created_at
                FROM head CROSS JOIN input
                ORDER BY input.ordinal
                RETURNING global_position, aggregate_version
            )
            SELECT {(int)AppendOutcome.Appended} AS outcome, global_position, aggregate_version, NULL::uuid AS event_id,
                   NULL::bigint AS ordinal, NULL::boolean AS same_content, NULL::text AS aggregate_type, NULL::text AS aggregate_id
            FROM appended
            UNION ALL
            SELECT {(int)AppendOutcome.AlreadyStored}, global_position, aggregate_version, event_id,
                   ordinal, same_content, aggregate_type, aggregate_id
            FROM stored
            UNION ALL
            SELECT {(int)AppendOutcome.VersionMismatch}, NULL, current.aggregate_version, NULL, NULL, NULL, NULL, NULL
            FROM {heads} AS current
            WHERE current.aggregate_type = {AggregateType} AND current.aggregate_id = {AggregateId}
              AND NOT EXISTS (SELECT 1 FROM head){notification}
            ORDER BY 1, 3
            """;
    }
}
