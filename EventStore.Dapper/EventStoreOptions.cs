using Microsoft.Extensions.Logging;

namespace EventStore.Dapper;

/// <summary>The names and switches a <see cref="PostgresEventStore"/> and its <see cref="SqlDialect"/> are built from.</summary>
/// <remarks>
/// Table names are PostgreSQL identifiers, optionally schema-qualified (<c>schema.table</c>): letters, digits and
/// underscores, not starting with a digit, at most 63 bytes per part. They are quoted in SQL, so they are used
/// exactly as written, case included. <see cref="SqlDialect"/> rejects anything else.
/// <para>The properties are settable so that the options bind from configuration; a store reads them once, when it
/// is built, and later changes to the instance do not reach it.</para>
/// </remarks>
public sealed record EventStoreOptions
{
    /// <summary>
    /// A new instance with every default: tables <c>events</c>, <c>aggregate_heads</c> and <c>consumer_checkpoints</c>,
    /// no NOTIFY, no logging, prepared statements. New on each call, so no caller can change another's defaults.
    /// </summary>
    public static EventStoreOptions Default => new();

    /// <summary>The append-only event log table. Defaults to <c>events</c>.</summary>
    public string EventsTable { get; set; } = "events";

    /// <summary>The table holding each aggregate's current version, one row per aggregate. Defaults to <c>aggregate_heads</c>.</summary>
    public string AggregateHeadsTable { get; set; } = "aggregate_heads";

    /// <summary>The table holding each consumer's checkpoint, one row per consumer name. Defaults to <c>consumer_checkpoints</c>.</summary>
    public string CheckpointsTable { get; set; } = "consumer_checkpoints";

    /// <summary>
    /// The channel that each append notifies with its last global position, inside the append's transaction so the
    /// notification is delivered only on commit; <see langword="null"/> (the default) sends none. The name is used
    /// exactly as written, so a name with capitals needs a quoted <c>LISTEN "Name"</c>.
    /// </summary>
    public string? NotifyChannel { get; set; }

    /// <summary>
    /// Whether appends and reads run as prepared statements (the default), so PostgreSQL plans each statement once per
    /// physical connection instead of on every call. The first use of a statement on a connection costs one extra round
    /// trip. Turn it off behind a pooler that does not keep prepared statements across transactions, such as PgBouncer
    /// in transaction mode before version 1.21; the store does so itself where it finds a pooler (see
    /// <see cref="PrepareBehindPooler"/>).
    /// </summary>
    public bool PrepareStatements { get; set; } = true;

    /// <summary>
    /// Whether statements are prepared on connections that go through a pooler too. Off by default: the store finds out,
    /// once per connection string, whether a pooler stands between it and PostgreSQL, and prepares nothing there, since
    /// a pooler in transaction mode runs a client's transactions in different server sessions and a prepared statement
    /// exists only in one. Turn it on only when the pooler keeps each client's prepared statements apart: PgBouncer
    /// 1.21 or later with <c>max_prepared_statements</c> above zero, or any pooler in session mode.
    /// </summary>
    public bool PrepareBehindPooler { get; set; }

    /// <summary>
    /// Positions per partition of a range-partitioned events table, or <see langword="null"/> (the default) for one
    /// plain table. With a size, the schema partitions <see cref="EventsTable"/> by <c>global_position</c> and keeps event
    /// ids and stream versions unique in a key table beside it (see docs/partitioning.md), and partitions must be made
    /// ahead of the sequence. Choose tens of millions: a stream read's cost grows with the number of partitions.
    /// </summary>
    public long? PartitionSize { get; set; }

    /// <summary>
    /// With <see cref="PartitionSize"/>, how many partitions should exist beyond the one holding the last appended
    /// position; when fewer remain, the store logs a warning and reports <c>eventstore.partitions.ahead</c>. Checking
    /// costs one round trip on a store's first append, and again at most every 10 seconds while too few remain.
    /// Defaults to 2.
    /// </summary>
    public int MinPartitionsAhead { get; set; } = 2;

    /// <summary>
    /// Whether the store's trace spans carry the aggregate id (<c>eventstore.aggregate_id</c>). Off by default: ids
    /// can be personal data, and spans often leave the system. Payloads and metadata are never recorded.
    /// </summary>
    public bool RecordAggregateIds { get; set; }

    /// <summary>Receives debug-level diagnostics; <see langword="null"/> (the default) logs nothing and costs nothing.</summary>
    public ILogger? Logger { get; set; }
}
