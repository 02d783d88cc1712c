namespace EventStore.Dapper;

/// <summary>
/// Where one consumer stands, and why, as <see cref="ConsumerAdmin.ReadStatusAsync"/> read it: one per checkpoint row,
/// so a partitioned consumer has one per partition.
/// </summary>
public sealed record ConsumerStatus
{
    /// <summary>Gets the checkpoint row's name: the consumer's, or <c>name[k/n]</c> for partition k of n.</summary>
    public required string Consumer { get; init; }

    /// <summary>Gets the position up to which the consumer has handled the log.</summary>
    public required long Checkpoint { get; init; }

    /// <summary>Gets when the checkpoint last moved, by the server's clock.</summary>
    public required DateTimeOffset CheckpointMovedAt { get; init; }

    /// <summary>
    /// Gets the safe frontier: the position below which every event is committed or will never exist, so the consumer
    /// may read up to it. It is the last position when no transaction is writing events; otherwise what the holder last
    /// recorded (see <see cref="ObservedAt"/>).
    /// </summary>
    public required long SafeFrontier { get; init; }

    /// <summary>Gets the last position taken from the sequence, committed or not.</summary>
    public required long LastPosition { get; init; }

    /// <summary>
    /// Gets how far behind the consumer is, in positions after its checkpoint: its unhandled events, gaps left by
    /// rolled-back appends, and, for a consumer with filters or partitions, events it will pass over.
    /// </summary>
    public long Lag => Math.Max(0, LastPosition - Checkpoint);

    /// <summary>Gets when the oldest event after the checkpoint was stored; null when there is none.</summary>
    public DateTimeOffset? OldestUnhandledAt { get; init; }

    /// <summary>Gets how long ago <see cref="OldestUnhandledAt"/> was, when the status was read; zero when the consumer is caught up.</summary>
    public required TimeSpan LagTime { get; init; }

    /// <summary>
    /// Gets the processor instance holding the consumer (host, process id and a per-run id): the table lease's owner,
    /// or, under advisory locks, the instance that last recorded its view while the lock is held; null when none does.
    /// </summary>
    public string? HeldBy { get; init; }

    /// <summary>Gets the backend process holding the consumer's advisory lock; null under table leases, or when no lock is held.</summary>
    public int? HolderProcessId { get; init; }

    /// <summary>Gets when the table lease expires unless renewed; null under advisory locks.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets the transaction holding the safe frontier back, as the holder last saw it and still running; null when none does.</summary>
    public FrontierBlocker? BlockedBy { get; init; }

    /// <summary>Gets when the holder last recorded its view (safe frontier and blocker); null if none ever has.</summary>
    public DateTimeOffset? ObservedAt { get; init; }

    /// <summary>Gets the position of the event the handler is failing on; null when the consumer is not failing.</summary>
    public long? FailedPosition { get; init; }

    /// <summary>Gets how many attempts at <see cref="FailedPosition"/> have failed.</summary>
    public int FailedAttempts { get; init; }

    /// <summary>Gets the handler's last error, type and message; kept after the consumer moves on.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets when <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>Gets when the consumer stopped on an event it could not handle; null while it runs.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>Gets when the status was read, by the server's clock.</summary>
    public required DateTimeOffset ReadAt { get; init; }
}

/// <summary>A running transaction that holds a consumer's safe frontier back: it may still write events below the last position.</summary>
/// <param name="ProcessId">Its backend process, for <c>pg_terminate_backend</c>; 0 for a prepared transaction, which has none.</param>
/// <param name="HeldBackSince">When the consumer's holder first saw it running.</param>
/// <param name="TransactionStartedAt">When its transaction began; null for a prepared transaction.</param>
/// <param name="State">Its backend's state, e.g. <c>idle in transaction</c>; null for a prepared transaction.</param>
/// <param name="ApplicationName">Its session's <c>application_name</c>.</param>
/// <param name="ClientAddress">Its client's address; null for a Unix socket.</param>
/// <param name="Query">The start of its current or last statement.</param>
public sealed record FrontierBlocker(
    int ProcessId, DateTimeOffset HeldBackSince, DateTimeOffset? TransactionStartedAt, string? State, string? ApplicationName,
    string? ClientAddress, string? Query);

/// <summary>A checkpoint row that <see cref="ConsumerAdmin.ResetAsync"/> moved.</summary>
/// <param name="Consumer">The checkpoint row's name.</param>
/// <param name="From">Its checkpoint before.</param>
/// <param name="To">Its checkpoint now.</param>
public sealed record CheckpointMove(string Consumer, long From, long To);
