namespace EventStore.Dapper;

/// <summary>One look at the log: the last position taken, and the transactions that may still be writing events.</summary>
/// <param name="LastPosition">The sequence's last value when the probe began.</param>
/// <param name="Writers">The virtual transaction ids holding the events table's write lock, read after <paramref name="LastPosition"/>.</param>
/// <param name="WriterProcessIds">The backend process of each writer, in the same order; 0 for a prepared transaction, which has none.</param>
/// <param name="LatePosition">The first event found in a gap the consumer had passed, or null; see <see cref="PassedGaps"/>.</param>
/// <param name="Sequence">The position sequence, as PostgreSQL names it; null when the column owns none.</param>
/// <param name="SequenceCache">The sequence's cache as of <paramref name="LastPosition"/>; 0 when unknown.</param>
/// <param name="CheckpointEpoch">The consumer's checkpoint row's epoch, raised by every lease take and reset; null before the row exists.</param>
/// <param name="OldestUnhandledAt">When the first event after the checkpoint the instance knew was stored; null when there is none, or no checkpoint was known.</param>
internal sealed record FrontierProbe(
    long LastPosition, string[] Writers, int[] WriterProcessIds, long? LatePosition, string? Sequence, long SequenceCache,
    long? CheckpointEpoch, DateTimeOffset? OldestUnhandledAt);
