using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Reads every checkpoint row, or one consumer's, with what explains its progress, in one statement:
/// <list type="bullet">
/// <item><description>the sequence's last position, and whether any transaction holds the events table's write lock
/// now; with none, every position up to the last is settled, so the safe frontier is the last position;</description></item>
/// <item><description>the oldest event after the checkpoint, one primary-key probe, for the lag in time;</description></item>
/// <item><description>the backend holding the consumer's advisory lock;</description></item>
/// <item><description>the blocker the holder recorded, joined to pg_stat_activity only while that backend still holds the
/// write lock, so a blocker that ended, or a reused process id, is not reported.</description></item>
/// </list>
/// The caller's own write lock is left out, so that reading status in a transaction that appended is not misread.
/// </summary>
internal sealed class ConsumerStatusStatement(string events, string checkpoints)
{
    public string Sql { get; } = $"""
        SELECT c.consumer_name, c.global_position, c.updated_at,
               log.last_position, log.writing,
               c.frontier_position, c.observed_by, c.observed_at,
               c.lease_owner, c.lease_expires_at, c.lease_expires_at > clock_timestamp() AS lease_live,
               holder.pid,
               oldest.created_at,
               c.blocker_pid, c.blocked_since, blocker.running, blocker.xact_start, blocker.state,
               blocker.application_name, blocker.client_addr, blocker.query,
               c.failed_position, c.failed_attempts, c.last_error, c.last_error_at, c.stopped_at,
               clock_timestamp()
        FROM {checkpoints} AS c
        CROSS JOIN (
            SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{events}', 'global_position')::regclass), 0) AS last_position,
                   EXISTS (SELECT FROM pg_locks AS l
                           WHERE {EventWriterLocks.Held("l", "facts.database", "facts.relations")}
                             AND l.pid IS DISTINCT FROM pg_backend_pid()) AS writing,
                   facts.database, facts.relations
            FROM (SELECT {EventWriterLocks.Database} AS database, {EventWriterLocks.Relations(events)} AS relations) AS facts
        ) AS log
        LEFT JOIN LATERAL (
            SELECT e.created_at FROM {events} AS e
            WHERE e.global_position > c.global_position ORDER BY e.global_position LIMIT 1
        ) AS oldest ON true
        LEFT JOIN LATERAL (
            SELECT l.pid FROM pg_locks AS l WHERE {ConsumerRows.AdvisoryLockHeld("l", "c.consumer_name")} LIMIT 1
        ) AS holder ON true
        LEFT JOIN LATERAL (
            SELECT true AS running, a.xact_start, a.state, a.application_name, a.client_addr::text AS client_addr,
                   left(a.query, 200) AS query
            FROM pg_locks AS l
            LEFT JOIN pg_stat_activity AS a ON a.pid = l.pid
            WHERE {EventWriterLocks.Held("l", "log.database", "log.relations")}
              AND COALESCE(l.pid, 0) = c.blocker_pid
            LIMIT 1
        ) AS blocker ON true
        WHERE $1::text IS NULL OR {ConsumerRows.Match("$1")}
        ORDER BY c.consumer_name
        """;

    /// <summary>Binds the consumer whose rows to read, its partitions' included; null reads every row.</summary>
    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, string? consumer)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)consumer ?? DBNull.Value });
        return command;
    }

    public static async Task<List<ConsumerStatus>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var statuses = new List<ConsumerStatus>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var checkpoint = reader.GetInt64(1);
            var lastPosition = reader.GetInt64(3);
            var observedFrontier = NullableInt64(reader, 5);
            // With nobody writing, everything up to the last position is settled; else the holder's view is the best known.
            var safeFrontier = Math.Max(checkpoint, reader.GetBoolean(4) ? observedFrontier ?? 0 : lastPosition);
            var observedBy = NullableString(reader, 6);
            var leaseLive = !reader.IsDBNull(10) && reader.GetBoolean(10);
            var lockHolder = reader.IsDBNull(11) ? (int?)null : reader.GetInt32(11);
            var oldest = NullableTime(reader, 12);
            var readAt = reader.GetFieldValue<DateTimeOffset>(26);
            statuses.Add(new ConsumerStatus
            {
                Consumer = reader.GetString(0),
                Checkpoint = checkpoint,
                CheckpointMovedAt = reader.GetFieldValue<DateTimeOffset>(2),
                SafeFrontier = safeFrontier,
                LastPosition = lastPosition,
                ObservedAt = NullableTime(reader, 7),
                HeldBy = leaseLive ? NullableString(reader, 8) : lockHolder is null ? null : observedBy,
                LeaseExpiresAt = leaseLive ? NullableTime(reader, 9) : null,
                HolderProcessId = lockHolder,
                OldestUnhandledAt = oldest,
                LagTime = oldest is { } at && at < readAt ? readAt - at : TimeSpan.Zero,
                BlockedBy = reader.IsDBNull(15) ? null : new FrontierBlocker(
                    reader.GetInt32(13), reader.GetFieldValue<DateTimeOffset>(14), NullableTime(reader, 16), NullableString(reader, 17),
                    NullableString(reader, 18), NullableString(reader, 19), NullableString(reader, 20)),
                FailedPosition = NullableInt64(reader, 21),
                FailedAttempts = reader.GetInt32(22),
                LastError = NullableString(reader, 23),
                LastErrorAt = NullableTime(reader, 24),
                StoppedAt = NullableTime(reader, 25),
                ReadAt = readAt,
            });
        }

        return statuses;
    }

    private static long? NullableInt64(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
