namespace EventStore.Dapper;

/// <summary>
/// How a consumer's checkpoint rows are named: one row under its own name, or, for a consumer split into partitions,
/// one row per partition named <c>name[k/n]</c>. Operations by consumer name act on every row of that consumer.
/// </summary>
internal static class ConsumerRows
{
    /// <summary>The checkpoint row of partition <paramref name="partition"/> of <paramref name="count"/>.</summary>
    public static string PartitionName(string consumer, int partition, int count) => $"{consumer}[{partition}/{count}]";

    /// <summary>
    /// A condition on <c>consumer_name</c> that matches the consumer named by <paramref name="parameter"/> and its
    /// partitions' rows, compared as text rather than with LIKE, so no character in a name needs escaping.
    /// </summary>
    public static string Match(string parameter) =>
        $"(consumer_name = {parameter} OR (left(consumer_name, length({parameter}) + 1) = {parameter} || '[' AND right(consumer_name, 1) = ']'))";

    /// <summary>
    /// A condition on the pg_locks row <paramref name="lockRow"/>: the granted advisory lock of the checkpoint row named
    /// by <paramref name="name"/>, as <see cref="ConsumerStatements.TryLease"/> takes it. pg_locks shows a bigint key as
    /// two 32-bit halves, which are joined again here.
    /// </summary>
    public static string AdvisoryLockHeld(string lockRow, string name) =>
        $"{lockRow}.locktype = 'advisory' AND {lockRow}.objsubid = 1 AND {lockRow}.granted AND {lockRow}.database = {EventWriterLocks.Database} " +
        $"AND (({lockRow}.classid::bigint << 32) | {lockRow}.objid::bigint) = hashtextextended({name}, 0)";
}
