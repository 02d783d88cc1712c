namespace EventStore.Dapper;

/// <summary>
/// How the processor recognises a transaction that may still write events: it holds the write lock
/// (<c>RowExclusiveLock</c>) of the events table or of one of its partitions, taken before its first position and kept
/// to its end. pg_locks spans the cluster and relation ids are per database, so the database is matched too.
/// </summary>
internal static class EventWriterLocks
{
    /// <summary>The events table and its partitions, as an <c>oid[]</c> expression.</summary>
    public static string Relations(string events) =>
        $"ARRAY[to_regclass('{events}')::oid] || ARRAY(SELECT i.inhrelid FROM pg_inherits AS i WHERE i.inhparent = to_regclass('{events}'))";

    /// <summary>The current database's oid, as an expression.</summary>
    public const string Database = "(SELECT oid FROM pg_database WHERE datname = current_database())";

    /// <summary>A condition on the pg_locks row <paramref name="lockRow"/>: a granted write lock on one of <paramref name="relations"/>.</summary>
    public static string Held(string lockRow, string database, string relations) =>
        $"{lockRow}.locktype = 'relation' AND {lockRow}.database = {database} AND {lockRow}.relation = ANY ({relations}) " +
        $"AND {lockRow}.mode = 'RowExclusiveLock' AND {lockRow}.granted";
}
