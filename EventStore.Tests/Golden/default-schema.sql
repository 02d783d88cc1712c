-- EventStore for .NET: the append-only event log and the aggregate heads.
CREATE TABLE IF NOT EXISTS "events" (
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
    CONSTRAINT "events_pkey" PRIMARY KEY (global_position),
    CONSTRAINT "events_event_id_key" UNIQUE (event_id),
    CONSTRAINT "events_aggregate_version_key" UNIQUE (aggregate_type, aggregate_id, aggregate_version),
    CONSTRAINT "events_aggregate_version_check" CHECK (aggregate_version > 0),
    CONSTRAINT "events_event_version_check" CHECK (event_version > 0)
);

CREATE INDEX IF NOT EXISTS "events_event_type_idx" ON "events" (event_type, global_position);
CREATE INDEX IF NOT EXISTS "events_correlation_id_idx" ON "events" (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS "events_aggregate_type_idx" ON "events" (aggregate_type, global_position);

CREATE TABLE IF NOT EXISTS "aggregate_heads" (
    aggregate_type    TEXT        NOT NULL,
    aggregate_id      TEXT        NOT NULL,
    aggregate_version BIGINT      NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT "aggregate_heads_pkey" PRIMARY KEY (aggregate_type, aggregate_id)
);

CREATE TABLE IF NOT EXISTS "consumer_checkpoints" (
    consumer_name     TEXT        NOT NULL,
    global_position   BIGINT      NOT NULL DEFAULT 0,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT "consumer_checkpoints_pkey" PRIMARY KEY (consumer_name)
);

-- The consumer processor's table leases (ConsumerLeaseMode.Table); added to checkpoint tables made before them.
ALTER TABLE "consumer_checkpoints"
    ADD COLUMN IF NOT EXISTS lease_owner      TEXT        NULL,
    ADD COLUMN IF NOT EXISTS lease_epoch      BIGINT      NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS lease_expires_at TIMESTAMPTZ NULL;

-- What the holder last saw, for status: its safe frontier and the writer holding it back. And the handler's
-- failures on the event after the checkpoint, which outlive the rolled-back batch, and the time the consumer
-- stopped on them. Added to checkpoint tables made before them.
ALTER TABLE "consumer_checkpoints"
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

CREATE TABLE IF NOT EXISTS "consumer_checkpoints_dead_letters" (
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
    CONSTRAINT "consumer_checkpoints_dead_letters_pkey" PRIMARY KEY (consumer_name, global_position)
);


-- The instances running each partitioned consumer, renewed by heartbeat until expires_at (the server's clock),
-- and how many of its partitions each holds, so that they share the partitions fairly.
CREATE TABLE IF NOT EXISTS "consumer_checkpoints_members" (
    consumer_name   TEXT        NOT NULL,
    member          TEXT        NOT NULL,
    partitions_held INTEGER     NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT "consumer_checkpoints_members_pkey" PRIMARY KEY (consumer_name, member)
);
