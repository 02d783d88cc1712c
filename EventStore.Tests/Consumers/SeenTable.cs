namespace EventStore.Tests.Consumers;

/// <summary>The SQL of the <c>seen</c> table that <see cref="SeenConsumer"/> writes and the tests read.</summary>
internal static class SeenTable
{
    // The key makes a second delivery of a committed event fail loudly. The defaults are evaluated by the handler's
    // own statement, so they record the connection and transaction the processor really ran the handler in.
    public const string Create = """
        CREATE TABLE seen (
            seq               BIGSERIAL   NOT NULL,
            consumer          TEXT        NOT NULL,
            event_id          UUID        NOT NULL,
            global_position   BIGINT      NOT NULL,
            aggregate_type    TEXT        NOT NULL,
            aggregate_id      TEXT        NOT NULL,
            aggregate_version BIGINT      NOT NULL,
            instance          TEXT        NOT NULL DEFAULT current_setting('application_name'),
            transaction_id    BIGINT      NOT NULL DEFAULT txid_current(),
            seen_at           TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (consumer, event_id)
        )
        """;

    public const string Insert = """
        INSERT INTO seen (consumer, event_id, global_position, aggregate_type, aggregate_id, aggregate_version)
        VALUES (@consumer, @event_id, @global_position, @aggregate_type, @aggregate_id, @aggregate_version)
        """;

    public const string Select = """
        SELECT seq, consumer, event_id, global_position, aggregate_type, aggregate_id, aggregate_version, instance,
               transaction_id, seen_at
        FROM seen
        ORDER BY seq
        """;
}
