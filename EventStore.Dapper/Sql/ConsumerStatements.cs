using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Renders the statements of the consumer processor. See docs/consumers.md for why they are shaped so.</summary>
internal static class ConsumerStatements
{
    public static string EnsureCheckpoint(string checkpoints) =>
        $"INSERT INTO {checkpoints} (consumer_name) VALUES (@{ConsumerName}) ON CONFLICT (consumer_name) DO NOTHING";

    /// <summary>Locks the consumer's checkpoint row for the batch, so two instances can never both move it.</summary>
    public static string LockCheckpoint(string checkpoints) =>
        $"SELECT global_position FROM {checkpoints} WHERE consumer_name = @{ConsumerName} FOR UPDATE";

    public static string SaveCheckpoint(string checkpoints) =>
        $"UPDATE {checkpoints} SET global_position = @{ToPosition}, updated_at = now() WHERE consumer_name = @{ConsumerName}";

    public static string TryLease => $"SELECT pg_try_advisory_lock(hashtextextended(@{ConsumerName}, 0))";

    public static string ReleaseLease => $"SELECT pg_advisory_unlock(hashtextextended(@{ConsumerName}, 0))";
}
