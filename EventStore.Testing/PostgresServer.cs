using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace EventStore.Testing;

/// <summary>
/// A PostgreSQL server for integration tests and demos, found in this order: the connection string in
/// <see cref="PostgresServerOptions.ConnectionStringVariable"/>, a Testcontainers container when a Docker
/// engine answers, or a throwaway cluster from the server binaries on this machine.
/// </summary>
/// <remarks>
/// Disposing stops and deletes whatever was started. A local cluster is also stopped and deleted when the
/// owning process dies without disposing it, so a killed test run leaves no server behind. When the environment
/// variable <c>EVENTSTORE_TEST_CLUSTERS_FILE</c> names a file, each local cluster's folder, and the process id and
/// start time of each of its postmasters, are appended to it as tab-separated lines, so a build can check afterwards
/// that no cluster of its run is still there.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;
    private readonly LocalCluster? _cluster;

    private PostgresServer(string connectionString, PostgresServerSource source, string description, IAsyncDisposable? owned)
    {
        ConnectionString = connectionString;
        Source = source;
        Description = description;
        _owned = owned;
        _cluster = owned as LocalCluster;
    }

    /// <summary>A connection string to the server's maintenance database, as a superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the server came from.</summary>
    public PostgresServerSource Source { get; }

    /// <summary>A one-line description of the server, for logs.</summary>
    public string Description { get; }

    /// <summary>Finds or starts a server.</summary>
    /// <param name="options">Where to look; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A server that accepts connections.</returns>
    /// <exception cref="InvalidOperationException">No server could be found or started; the message says how to provide one.</exception>
    public static async Task<PostgresServer> StartAsync(PostgresServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PostgresServerOptions();
        var log = options.Log ?? (_ => { });

        var fromEnvironment = options.UseConnectionStringVariable
            ? Environment.GetEnvironmentVariable(options.ConnectionStringVariable)
            : null;
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var server = new PostgresServer(fromEnvironment, PostgresServerSource.ConnectionString,
                $"the server in {options.ConnectionStringVariable} ({Endpoint(fromEnvironment)})", owned: null);
            log($"PostgreSQL: using {server.Description}.");
            return server;
        }

        if (options.UseTestcontainers)
        {
            var container = await TryStartContainerAsync(options, log, cancellationToken).ConfigureAwait(false);
            if (container is not null)
            {
                return container;
            }
        }

        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException(NoServerMessage(options));
        var cluster = await LocalCluster.StartAsync(binaries, options.StartTimeout, cancellationToken, durable: options.Durable).ConfigureAwait(false);
        var local = new PostgresServer(cluster.ConnectionString, PostgresServerSource.LocalCluster,
            $"a throwaway{(options.Durable ? ", durable" : string.Empty)} local cluster from {binaries} on {Endpoint(cluster.ConnectionString)}" +
            (cluster.RunAsUser is null ? string.Empty : $", run as user '{cluster.RunAsUser}'"), cluster);
        log($"PostgreSQL: started {local.Description}.");
        return local;
    }

    /// <summary>Creates a new, empty database that is dropped again when the result is disposed.</summary>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The database, with a connection string to it.</returns>
    public Task<TemporaryDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default) =>
        TemporaryDatabase.CreateAsync(ConnectionString, cancellationToken);

    /// <summary>
    /// Stops the server with a fast shutdown and starts it again on the same port and data folder, so tests can see
    /// what a server restart does to their code. Committed data survives; open transactions are rolled back.
    /// </summary>
    /// <remarks>
    /// The shutdown ends every session, so each open connection to the server is cut, pooled idle ones included:
    /// Npgsql only finds out when it next uses such a connection, and that use fails. Clear the pools (for example
    /// with <see cref="NpgsqlConnection.ClearAllPools"/>) to start afresh.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait; the server may then be stopped or still starting.</param>
    /// <returns>A task that completes once the server accepts connections again.</returns>
    /// <exception cref="NotSupportedException">
    /// The server is not a <see cref="PostgresServerSource.LocalCluster"/>: a server from a connection string or a
    /// Testcontainers container is not restarted.
    /// </exception>
    /// <exception cref="InvalidOperationException">The server did not come back up; the message holds its log.</exception>
    /// <exception cref="TimeoutException">The server did not stop or accept connections in time.</exception>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        _cluster is null
            ? throw new NotSupportedException(
                $"Only a local cluster can be restarted, and this server is {Description}. Start one with " +
                $"{nameof(PostgresServerOptions)} {{ {nameof(PostgresServerOptions.UseConnectionStringVariable)} = false, " +
                $"{nameof(PostgresServerOptions.UseTestcontainers)} = false }} to test restarts.")
            : _cluster.RestartAsync(cancellationToken);

    /// <summary>
    /// Starts a hot standby of this server: another throwaway local cluster, copied from this one with
    /// <c>pg_basebackup</c> and streaming its changes, so tests can see what their code does on a read-only replica
    /// (<c>pg_is_in_recovery()</c> is true there). Dispose of it before this server.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The standby, accepting read-only connections.</returns>
    /// <exception cref="NotSupportedException">The server is not a <see cref="PostgresServerSource.LocalCluster"/>.</exception>
    /// <exception cref="InvalidOperationException">The copy or the standby's start failed; the message holds the log.</exception>
    public async Task<PostgresServer> StartStandbyAsync(CancellationToken cancellationToken = default)
    {
        if (_cluster is null)
        {
            throw new NotSupportedException(
                $"Only a local cluster can be copied into a standby, and this server is {Description}. Start one with " +
                $"{nameof(PostgresServerOptions)} {{ {nameof(PostgresServerOptions.UseConnectionStringVariable)} = false, " +
                $"{nameof(PostgresServerOptions.UseTestcontainers)} = false }}.");
        }

        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException("The PostgreSQL server binaries are gone.");
        var primaryPort = new NpgsqlConnectionStringBuilder(ConnectionString).Port;
        var standby = await LocalCluster.StartAsync(binaries, TimeSpan.FromSeconds(60), cancellationToken, primaryPort).ConfigureAwait(false);
        return new PostgresServer(standby.ConnectionString, PostgresServerSource.LocalCluster,
            $"a hot standby of the local cluster on port {primaryPort}, on {Endpoint(standby.ConnectionString)}", standby);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
        {
            // Pooled idle connections would otherwise hold the server's fast shutdown up.
            NpgsqlConnection.ClearAllPools();
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<PostgresServer?> TryStartContainerAsync(
        PostgresServerOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder(options.ContainerImage).Build();
        }
        catch (DockerUnavailableException)
        {
            log("PostgreSQL: no Docker engine answers, so Testcontainers is not used.");
            return null;
        }

        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            log($"PostgreSQL: Testcontainers could not start {options.ContainerImage} ({exception.Message}); trying the local binaries.");
            await container.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        var connectionString = container.GetConnectionString();
        var server = new PostgresServer(connectionString, PostgresServerSource.Testcontainers,
            $"a Testcontainers container ({options.ContainerImage}) on {Endpoint(connectionString)}", container);
        log($"PostgreSQL: started {server.Description}.");
        return server;
    }

    private static string Endpoint(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}";
    }

    private static string NoServerMessage(PostgresServerOptions options) =>
        "No PostgreSQL server is available. Provide one of: " +
        $"a connection string in the environment variable {options.ConnectionStringVariable}; " +
        "a running Docker engine, for Testcontainers; " +
        "or the PostgreSQL server binaries (initdb and postgres on PATH or under /usr/lib/postgresql/<version>/bin; " +
        "on Debian or Ubuntu: apt-get install postgresql).";
}
