namespace EventStore.Testing;

/// <summary>How <see cref="PgBouncer.StartAsync"/> configures the pooler.</summary>
public sealed record PgBouncerOptions
{
    /// <summary>
    /// When a server connection goes back to the pool. Defaults to <see cref="PgBouncerPoolMode.Transaction"/>, the
    /// mode that breaks what relies on session state, and so the one worth testing against.
    /// </summary>
    public PgBouncerPoolMode PoolMode { get; init; } = PgBouncerPoolMode.Transaction;

    /// <summary>How many server connections each pair of database and user may have (<c>default_pool_size</c>). Defaults to 20.</summary>
    public int DefaultPoolSize { get; init; } = 20;

    /// <summary>How many client connections the pooler accepts (<c>max_client_conn</c>). Defaults to 500.</summary>
    public int MaxClientConnections { get; init; } = 500;

    /// <summary>
    /// How many protocol-level prepared statements the pooler tracks per server connection
    /// (<c>max_prepared_statements</c>), so that they survive transaction pooling; 0 turns the tracking off. Defaults to
    /// <see langword="null"/>, which leaves the setting out and so keeps the default of the installed PgBouncer. The
    /// setting needs PgBouncer 1.21 or later; <see cref="PgBouncer.StartAsync"/> refuses it on an older one.
    /// </summary>
    public int? MaxPreparedStatements { get; init; }

    /// <summary>How long the pooler may take to accept a connection that reaches the server.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Receives one line when the pooler has started, saying what it is and where.</summary>
    public Action<string>? Log { get; init; }
}
