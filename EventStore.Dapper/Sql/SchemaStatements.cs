namespace EventStore.Dapper;

/// <summary>Renders the idempotent DDL that the append and read statements assume.</summary>
internal static class SchemaStatements
{
    public static string Render(SchemaNames names)
    {
        var eventsTable = Identifier.Quote(names.Events);
        var headsTable = Identifier.Quote(names.Heads);
        var checkpointsTable = Identifier.Quote(names.Checkpoints);

        return $"""
            -- EventStore for .NET: the append-only event log and the aggregate heads.
            {CreateSchemas(names)}CREATE TABLE IF NOT EXISTS {eventsTable} (
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
                CONSTRAINT {Identifier.Quote(names.EventsPrimaryKey)} PRIMARY KEY (global_position),
                CONSTRAINT {Identifier.Quote(names.EventIdKey)} UNIQUE (event_id),
                CONSTRAINT {Identifier.Quote(names.AggregateVersionKey)} UNIQUE (aggregate_type, aggregate_id, aggregate_version),
                CONSTRAINT {Identifier.Quote(names.AggregateVersionCheck)} CHECK (aggregate_version > 0),
                CONSTRAINT {Identifier.Quote(names.EventVersionCheck)} CHECK (event_version > 0)
            );

            CREATE INDEX IF NOT EXISTS {Identifier.Quote(names.EventTypeIndex)} ON {eventsTable} (event_type, global_position);
            CREATE INDEX IF NOT EXISTS {Identifier.Quote(names.CorrelationIdIndex)} ON {eventsTable} (correlation_id) WHERE correlation_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS {Identifier.Quote(names.AggregateTypeIndex)} ON {eventsTable} (aggregate_type, global_position);

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

            """;
    }

    private static string CreateSchemas(SchemaNames names)
    {
        var schemas = new[] { names.Events.Schema, names.Heads.Schema, names.Checkpoints.Schema }.OfType<string>().Distinct(StringComparer.Ordinal);
        return string.Concat(schemas.Select(schema => $"CREATE SCHEMA IF NOT EXISTS {Identifier.Quote(schema)};\n"));
    }
}
