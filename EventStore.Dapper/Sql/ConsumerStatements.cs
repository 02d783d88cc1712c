using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Renders the statements of the consumer processor. See docs/consumers.md for why they are shaped so.</summary>
internal static class ConsumerStatements
{
    public static string EnsureCheckpoint(string checkpoints) =>
        $"INSERT INTO {checkpoints} (consumer_name) VALUES (@{ConsumerName}) ON CONFLICT (consumer_name) DO NOTHING";

    /// <summary>Locks the consumer's checkpoint row for the batch, so two instances can never both move it.</summary>
    public static string LockCheckpoint(string checkpoints) =>
        $"SELECT {CheckpointRow.Columns} FROM {checkpoints} WHERE consumer_name = @{ConsumerName} FOR UPDATE";

    /// <summary>Moves the checkpoint, and forgets the failures of an event it passes.</summary>
    public static string SaveCheckpoint(string checkpoints) =>
        $"UPDATE {checkpoints} SET global_position = @{ToPosition}, updated_at = now(), {ForgetPassedFailure($"@{ToPosition}")} WHERE consumer_name = @{ConsumerName}";

    /// <summary>
    /// Clears the failed event and its attempts once the checkpoint reaches <paramref name="position"/> at or past it;
    /// the last error and its time stay, as history for status.
    /// </summary>
    public static string ForgetPassedFailure(string position) =>
        $"failed_attempts = CASE WHEN failed_position <= {position} THEN 0 ELSE failed_attempts END, " +
        $"failed_position = CASE WHEN failed_position <= {position} THEN NULL ELSE failed_position END";

    public static string TryLease => $"SELECT pg_try_advisory_lock(hashtextextended(@{ConsumerName}, 0))";

    public static string ReleaseLease => $"SELECT pg_advisory_unlock(hashtextextended(@{ConsumerName}, 0))";
}
