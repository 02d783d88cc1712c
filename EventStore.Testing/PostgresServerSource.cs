namespace EventStore.Testing;

/// <summary>Where a <see cref="PostgresServer"/> came from.</summary>
public enum PostgresServerSource
{
    /// <summary>A server named by a connection string in an environment variable; it is left running.</summary>
    ConnectionString,

    /// <summary>A container started through Testcontainers; it is removed on dispose.</summary>
    Testcontainers,

    /// <summary>A cluster created from the PostgreSQL server binaries on this machine; it is deleted on dispose.</summary>
    LocalCluster,
}
