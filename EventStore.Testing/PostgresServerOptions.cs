namespace EventStore.Testing;

/// <summary>How <see cref="PostgresServer.StartAsync"/> looks for a server.</summary>
public sealed record PostgresServerOptions
{
    /// <summary>The environment variable whose connection string, when set, wins over starting a server.</summary>
    public string ConnectionStringVariable { get; init; } = "EVENTSTORE_TEST_CONNECTION";

    /// <summary>
    /// Whether to look at <see cref="ConnectionStringVariable"/> at all. Defaults to <see langword="true"/>; turn it
    /// off, together with <see cref="UseTestcontainers"/>, for a server of one's own that
    /// <see cref="PostgresServer.RestartAsync"/> can restart.
    /// </summary>
    public bool UseConnectionStringVariable { get; init; } = true;

    /// <summary>Whether to try Testcontainers before the local binaries. Defaults to <see langword="true"/>.</summary>
    public bool UseTestcontainers { get; init; } = true;

    /// <summary>The image Testcontainers runs.</summary>
    public string ContainerImage { get; init; } = "postgres:17-alpine";

    /// <summary>How long a started server may take to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether a local cluster keeps PostgreSQL's durable defaults: <c>fsync</c>, <c>full_page_writes</c> and
    /// <c>synchronous_commit</c> on, so every commit waits for its flush to disk, as on a production server. Defaults to
    /// <see langword="false"/>: a throwaway cluster turns the three off, since a crash loses nothing worth keeping and
    /// tests run faster without flushes. It applies to a local cluster only; the server in
    /// <see cref="ConnectionStringVariable"/> and a Testcontainers container run as they are configured (the container
    /// with the image's defaults, which are durable), so check <c>SHOW fsync</c> where it matters.
    /// </summary>
    public bool Durable { get; init; }

    /// <summary>Receives one line for each decision, so a run can say which server it used and why.</summary>
    public Action<string>? Log { get; init; }
}
