namespace EventStore.Dapper;

/// <summary>Renders the idempotent DDL that the append and read statements assume.</summary>
internal static class SchemaStatements
{
    /// <summary>The whole schema: a plain events table, or with <paramref name="partitionSize"/> a partitioned one and its key table.</summary>
    public static string Render(SchemaNames names, long? partitionSize) =>
        partitionSize is { } size ? RenderPartitioned(names, size) : RenderPlain(names);

    private static string RenderPlain(SchemaNames names) => $"""
        -- EventStore for .NET: the append-only event log and the aggregate heads.
        {CreateSchemas(names)}{EventsTable(names, partitioned: false)}
        {HeadsAndCheckpoints(names)}
        """;

    /// <summary>
    /// The events table and its indexes. A partitioned table cannot hold the unique constraints on event ids and stream
    /// versions, since they do not include the partition key; its key table holds them instead.
    /// </summary>
    private static string EventsTable(SchemaNames names, bool partitioned)
    {
        var eventsTable = Identifier.Quote(names.Events);
        var uniqueKeys = partitioned
            ? string.Empty
            : $"""

                  CONSTRAINT {Identifier.Quote(names.EventIdKey)} UNIQUE (event_id),
                  CONSTRAINT {Identifier.Quote(names.AggregateVersionKey)} UNIQUE (aggregate_type, aggregate_id, aggregate_version),
              """;
        return $"""
            CREATE TABLE IF NOT EXISTS {eventsTable} (
                global_position   BIGSERIAL   NOT NULL,
                aggregate_type    TEXT        NOT NULL,
                aggregate_id      TEXT        NOT NULL,
                aggregate_version BIGINT      NOT NULL,
                event_id          UUID        NOT NULL,
                event_type        TEXT        NOT NULL,
                event_version     INT         NOT NULL DEFAULT 1,
                payload           BYTEA       NOT NULL,
                trace_id          TEXT        NULL,
                correlation_id    TEXT        NULL,
                causation_id      TEXT        NULL,
                metadata          JSONB       NULL,
                created_at        TIMESTAMPTZ NOT NULL,
                CONSTRAINT {Identifier.Quote(names.EventsPrimaryKey)} PRIMARY KEY (global_position),{uniqueKeys}
                CONSTRAINT {Identifier.Quote(names.AggregateVersionCheck)} CHECK (aggregate_version > 0),
                CONSTRAINT {Identifier.Quote(names.EventVersionCheck)} CHECK (event_version > 0)
            ){(partitioned ? " PARTITION BY RANGE (global_position)" : string.Empty)};

            CREATE INDEX IF NOT EXISTS {Identifier.Quote(names.EventTypeIndex)} ON {eventsTable} (event_type, global_position);
            CREATE INDEX IF NOT EXISTS {Identifier.Quote(names.CorrelationIdIndex)} ON {eventsTable} (correlation_id) WHERE correlation_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS {Identifier.Quote(names.AggregateTypeIndex)} ON {eventsTable} (aggregate_type, global_position);

            """;
    }

    /// <summary>
    /// The partitioned events table, its key table, the function that makes partitions ahead of the sequence, and the
    /// first two partitions. Unique constraints on a partitioned table must include the partition key, so the key table
    /// carries event-id and stream-version uniqueness under the constraint names of the plain schema; see
    /// docs/partitioning.md.
    /// </summary>
    private static string RenderPartitioned(SchemaNames names, long size)
    {
        var eventsTable = Identifier.Quote(names.Events);
        return $"""
            -- EventStore for .NET: the append-only event log, partitioned by position, its key table, and the aggregate heads.
            {CreateSchemas(names)}{EventsTable(names, partitioned: true)}
            CREATE TABLE IF NOT EXISTS {Identifier.Quote(names.Keys)} (
                event_id          UUID        NOT NULL,
                aggregate_type    TEXT        NOT NULL,
                aggregate_id      TEXT        NOT NULL,
                aggregate_version BIGINT      NOT NULL,
                global_position   BIGINT      NOT NULL,
                CONSTRAINT {Identifier.Quote(names.EventIdKey)} PRIMARY KEY (event_id),
                -- The position rides in the version index, so a stream read finds its events' positions with an index-only scan.
                CONSTRAINT {Identifier.Quote(names.AggregateVersionKey)} UNIQUE (aggregate_type, aggregate_id, aggregate_version) INCLUDE (global_position)
            );

            -- Makes the partition that holds the next position and the given number after it, where missing; returns how many it made.
            -- Partition k holds positions k * size up to (k + 1) * size - 1 and is named after the events table and its first
            -- position, cut to fit as pg_partman cuts it, so that pg_partman's id partitioning makes the very same tables
            -- and either tool can make any of them (docs/partitioning.md).
            CREATE OR REPLACE FUNCTION {Identifier.Quote(names.CreatePartitionsFunction)}(ahead integer) RETURNS integer
            LANGUAGE plpgsql AS $function$
            DECLARE
                size CONSTANT bigint := {size};
                next_partition bigint := (COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{eventsTable}', 'global_position')::regclass), 0) + 1) / size;
                first_position bigint;
                partition_name text;
                made integer := 0;
            BEGIN
                IF ahead IS NULL OR ahead < 0 THEN
                    RAISE EXCEPTION 'ahead must be 0 or more, not %', ahead;
                END IF;
                FOR k IN next_partition .. next_partition + ahead LOOP
                    first_position := k * size;
                    partition_name := {SchemaPrefixLiteral(names)}quote_ident(left('{names.Events.Name}', 61 - length(first_position::text)) || '_p' || first_position);
                    IF to_regclass(partition_name) IS NULL THEN
                        EXECUTE format('CREATE TABLE %s PARTITION OF {eventsTable} FOR VALUES FROM (%s) TO (%s)',
                                       partition_name, first_position, first_position + size);
                        made := made + 1;
                    END IF;
                END LOOP;
                RETURN made;
            END
            $function$;

            -- The number of the partition that holds the highest position any partition holds, or -1 when there is none. It
            -- reads the partitions' bounds, not their names, so it sees partitions whoever made them.
            CREATE OR REPLACE FUNCTION {Identifier.Quote(names.LastPartitionFunction)}() RETURNS bigint
            LANGUAGE sql STABLE AS $function$
                SELECT COALESCE(max(partitions.last_position) / {size}, -1)
                FROM ({PartitionBounds(eventsTable)}) AS partitions
            $function$;

            {Archival(names)}
            SELECT {Identifier.Quote(names.CreatePartitionsFunction)}(1);

            {HeadsAndCheckpoints(names)}
            """;
    }

    /// <summary>
    /// The archive table, the function that detaches the partitions every consumer has passed, and the function that
    /// refuses a read that would skip an archived partition. Key rows stay, so archived ids and versions are never reused.
    /// </summary>
    private static string Archival(SchemaNames names)
    {
        var eventsTable = Identifier.Quote(names.Events);
        var archive = Identifier.Quote(names.Archive);
        return $"""
            -- The partitions detached by {Identifier.Quote(names.ArchivePartitionsFunction)}, and the positions each held.
            CREATE TABLE IF NOT EXISTS {archive} (
                partition_name TEXT        NOT NULL,
                first_position BIGINT      NOT NULL,
                last_position  BIGINT      NOT NULL,
                archived_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
                CONSTRAINT {Identifier.Quote(names.ArchivePrimaryKey)} PRIMARY KEY (last_position)
            );

            -- Detaches, oldest first, the partitions that lie wholly at or below `through`, below every consumer's checkpoint
            -- and below the sequence, and records them. Returns a row per partition detached, then (archived = false) the
            -- first partition a consumer's checkpoint held back, with that consumer. DETACH waits for the readers and writers
            -- of the events table, and blocks them until the transaction ends: run it in a short transaction of its own.
            CREATE OR REPLACE FUNCTION {Identifier.Quote(names.ArchivePartitionsFunction)}(through bigint)
            RETURNS TABLE (partition_name text, first_position bigint, last_position bigint, archived boolean, held_by text, held_at bigint)
            LANGUAGE plpgsql AS $function$
            #variable_conflict use_column
            DECLARE
                sequence_at bigint := COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{eventsTable}', 'global_position')::regclass), 0);
                slowest text;
                slowest_at bigint;
                part record;
            BEGIN
                IF through IS NULL THEN
                    RAISE EXCEPTION 'through must be a position, not null';
                END IF;
                SELECT checkpoint.consumer_name, checkpoint.global_position INTO slowest, slowest_at
                FROM {Identifier.Quote(names.Checkpoints)} AS checkpoint
                ORDER BY checkpoint.global_position, checkpoint.consumer_name
                LIMIT 1;
                FOR part IN
                    SELECT partitions.name, partitions.first_position AS lower, partitions.last_position AS upper
                    FROM ({PartitionBounds(eventsTable)}) AS partitions
                    ORDER BY partitions.first_position
                LOOP
                    EXIT WHEN part.upper > through OR part.upper > sequence_at;
                    IF part.upper > slowest_at THEN
                        RETURN QUERY SELECT part.name, part.lower, part.upper, false, slowest, slowest_at;
                        EXIT;
                    END IF;
                    EXECUTE format('ALTER TABLE {eventsTable} DETACH PARTITION %s', part.name);
                    INSERT INTO {archive} (partition_name, first_position, last_position) VALUES (part.name, part.lower, part.upper);
                    RETURN QUERY SELECT part.name, part.lower, part.upper, true, NULL::text, NULL::bigint;
                END LOOP;
            END
            $function$;

            -- Raises the error that names the archived partition after position `after`. Reads call it only where they would
            -- otherwise skip archived events, so that they fail instead of returning a log or a stream with a hole in it. A
            -- stream read also passes the position of the event it found missing, which some archived partition must hold.
            CREATE OR REPLACE FUNCTION {Identifier.Quote(names.RefuseArchivedFunction)}(after bigint, missing bigint DEFAULT NULL) RETURNS boolean
            LANGUAGE plpgsql STABLE AS $function$
            DECLARE
                gone record;
            BEGIN
                SELECT archived.partition_name, archived.first_position, archived.last_position, archived.archived_at INTO gone
                FROM {archive} AS archived
                WHERE archived.last_position > after
                ORDER BY archived.last_position
                LIMIT 1;
                IF NOT FOUND OR missing < gone.first_position THEN
                    RAISE EXCEPTION 'The event at position % is missing from {eventsTable}, and no archived partition holds it', COALESCE(missing, after + 1)
                        USING ERRCODE = 'data_corrupted',
                              HINT = 'Its key row says it was stored; rows were deleted outside the event store.';
                END IF;
                RAISE EXCEPTION 'Positions % to % of {eventsTable} are archived: partition % was detached on %, and reading after position % would skip them',
                                gone.first_position, gone.last_position, gone.partition_name, gone.archived_at, after
                    USING ERRCODE = '{ArchiveGuard.SqlState}',
                          TABLE = gone.partition_name,
                          HINT = format('Read from position %s on, or attach the partition again with ALTER TABLE {eventsTable} ATTACH PARTITION %s FOR VALUES FROM (%s) TO (%s) and delete its row from {archive}.',
                                        gone.last_position, gone.partition_name, gone.first_position, gone.last_position + 1);
            END
            $function$;

            """;
    }

    /// <summary>
    /// The events table's range partitions with the positions each holds, read from their bounds rather than their
    /// names, so that partitions count whoever made them; a default partition has no bounds and is left out.
    /// </summary>
    private static string PartitionBounds(string eventsTable) => $"""
        SELECT child.oid::regclass::text AS name, bound[1] AS first_position, bound[2] - 1 AS last_position
        FROM pg_inherits AS link
        JOIN pg_class AS child ON child.oid = link.inhrelid
        CROSS JOIN LATERAL regexp_match(pg_get_expr(child.relpartbound, child.oid),
                                        '^FOR VALUES FROM \(''(-?\d+)''\) TO \(''(-?\d+)''\)$') AS matched
        CROSS JOIN LATERAL (SELECT matched::bigint[] AS bound) AS bounds
        WHERE link.inhparent = '{eventsTable}'::regclass AND matched IS NOT NULL
        """;

    /// <summary>The events table's schema as a quoted prefix in a SQL string expression, or nothing for the search path's.</summary>
    private static string SchemaPrefixLiteral(SchemaNames names) =>
        names.Events.Schema is null ? string.Empty : $"'{Identifier.Quote(names.Events.Schema)}.' || ";

    private static string HeadsAndCheckpoints(SchemaNames names)
    {
        var headsTable = Identifier.Quote(names.Heads);
        var checkpointsTable = Identifier.Quote(names.Checkpoints);
        return $"""
            CREATE TABLE IF NOT EXISTS {headsTable} (
                aggregate_type    TEXT        NOT NULL,
                aggregate_id      TEXT        NOT NULL,
                aggregate_version BIGINT      NOT NULL,
                updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
                CONSTRAINT {Identifier.Quote(names.HeadsPrimaryKey)} PRIMARY KEY (aggregate_type, aggregate_id)
            );

            CREATE TABLE IF NOT EXISTS {checkpointsTable} (
                consumer_name     TEXT        NOT NULL,
                global_position   BIGINT      NOT NULL DEFAULT 0,
                updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
                CONSTRAINT {Identifier.Quote(names.CheckpointsPrimaryKey)} PRIMARY KEY (consumer_name)
            );

            -- The consumer processor's table leases (ConsumerLeaseMode.Table); added to checkpoint tables made before them.
            ALTER TABLE {checkpointsTable}
                ADD COLUMN IF NOT EXISTS lease_owner      TEXT        NULL,
                ADD COLUMN IF NOT EXISTS lease_epoch      BIGINT      NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS lease_expires_at TIMESTAMPTZ NULL;

            -- What the holder last saw, for status: its safe frontier and the writer holding it back. And the handler's
            -- failures on the event after the checkpoint, which outlive the rolled-back batch, and the time the consumer
            -- stopped on them. Added to checkpoint tables made before them.
            ALTER TABLE {checkpointsTable}
                ADD COLUMN IF NOT EXISTS observed_by       TEXT        NULL,
                ADD COLUMN IF NOT EXISTS observed_at       TIMESTAMPTZ NULL,
                ADD COLUMN IF NOT EXISTS frontier_position BIGINT      NULL,
                ADD COLUMN IF NOT EXISTS blocker_pid       INTEGER     NULL,
                ADD COLUMN IF NOT EXISTS blocked_since     TIMESTAMPTZ NULL,
                ADD COLUMN IF NOT EXISTS failed_position   BIGINT      NULL,
                ADD COLUMN IF NOT EXISTS failed_attempts   INTEGER     NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS last_error        TEXT        NULL,
                ADD COLUMN IF NOT EXISTS last_error_at     TIMESTAMPTZ NULL,
                ADD COLUMN IF NOT EXISTS stopped_at        TIMESTAMPTZ NULL;

            {DeadLetters(names)}

            -- The instances running each partitioned consumer, renewed by heartbeat until expires_at (the server's clock),
            -- and how many of its partitions each holds, so that they share the partitions fairly.
            CREATE TABLE IF NOT EXISTS {Identifier.Quote(names.Members)} (
                consumer_name   TEXT        NOT NULL,
                member          TEXT        NOT NULL,
                partitions_held INTEGER     NOT NULL,
                expires_at      TIMESTAMPTZ NOT NULL,
                CONSTRAINT {Identifier.Quote(names.MembersPrimaryKey)} PRIMARY KEY (consumer_name, member)
            );

            """;
    }

    /// <summary>
    /// The events consumers gave up on, written in the batch that moves the checkpoint past each one. The event's
    /// identity is copied, never its payload, which stays in the log for a replay.
    /// </summary>
    private static string DeadLetters(SchemaNames names) => $"""
        CREATE TABLE IF NOT EXISTS {Identifier.Quote(names.DeadLetters)} (
            consumer_name     TEXT        NOT NULL,
            global_position   BIGINT      NOT NULL,
            event_id          UUID        NOT NULL,
            aggregate_type    TEXT        NOT NULL,
            aggregate_id      TEXT        NOT NULL,
            aggregate_version BIGINT      NOT NULL,
            event_type        TEXT        NOT NULL,
            error             TEXT        NOT NULL,
            attempts          INTEGER     NOT NULL,
            dead_lettered_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
            replayed_at       TIMESTAMPTZ NULL,
            CONSTRAINT {Identifier.Quote(names.DeadLettersPrimaryKey)} PRIMARY KEY (consumer_name, global_position)
        );

        """;

    private static string CreateSchemas(SchemaNames names)
    {
        var schemas = new[] { names.Events.Schema, names.Heads.Schema, names.Checkpoints.Schema }.OfType<string>().Distinct(StringComparer.Ordinal);
        return string.Concat(schemas.Select(schema => $"CREATE SCHEMA IF NOT EXISTS {Identifier.Quote(schema)};\n"));
    }
}
