namespace EventStore.Testing;

/// <summary>When PgBouncer hands a server connection back to its pool (its <c>pool_mode</c> setting).</summary>
public enum PgBouncerPoolMode
{
    /// <summary>When the client disconnects: a client keeps one server session, as without a pooler.</summary>
    Session,

    /// <summary>
    /// When a transaction ends: consecutive transactions of one client may run on different server sessions, so
    /// session state (prepared statements, <c>SET</c>, advisory locks, <c>LISTEN</c>) does not carry over.
    /// </summary>
    Transaction,

    /// <summary>When a statement ends: multi-statement transactions are refused.</summary>
    Statement,
}
