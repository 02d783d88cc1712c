using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EventStore.Testing;

/// <summary>
/// A throwaway PgBouncer in front of a <see cref="PostgresServer"/>, for tests of what a connection pooler does to
/// code: by default in transaction pooling mode, where consecutive transactions of one client connection may run in
/// different server sessions.
/// </summary>
/// <remarks>
/// <para>
/// The pooler listens on a free port on 127.0.0.1 and passes every database name through to the server. It trusts its
/// clients, which can only be local, and admits the user <c>postgres</c> and the user of the server's connection
/// string, logging in to the server with the password that string holds, if any. It refuses the startup parameters it
/// cannot keep per transaction, such as the <c>search_path</c> and <c>options</c> that Npgsql sends for the connection
/// string settings <c>Search Path</c> and <c>Options</c>.
/// </para>
/// <para>
/// Disposing stops the pooler and deletes its folder. It is also stopped and deleted when the owning process dies
/// without disposing it. A process running as root hands pgbouncer, which refuses root, to the <c>postgres</c> (else
/// <c>nobody</c>) account. When the environment variable <c>EVENTSTORE_TEST_CLUSTERS_FILE</c> names a file, the
/// pooler's folder, and its process id and start time, are appended to it, as for a local cluster.
/// </para>
/// </remarks>
public sealed class PgBouncer : IAsyncDisposable
{
    private const string ScriptName = "run-pgbouncer.sh";

    private readonly OwnedScript _script;
    private readonly string _serverEndpoint;
    private readonly int _port;

    private PgBouncer(OwnedScript script, string folder, int port, string serverConnectionString, string description)
    {
        _script = script;
        Folder = folder;
        _port = port;
        _serverEndpoint = Endpoint(new NpgsqlConnectionStringBuilder(serverConnectionString));
        ConnectionString = Route(serverConnectionString);
        Description = description;
    }

    /// <summary>
    /// Why <see cref="FindBinary"/> finds no pgbouncer, and how to install it: on Debian or Ubuntu, the package
    /// <c>pgbouncer</c>.
    /// </summary>
    public static string MissingBinaryMessage => PgBouncerBinary.MissingMessage();

    /// <summary>A connection string through the pooler to the server's maintenance database, as the server's user.</summary>
    public string ConnectionString { get; }

    /// <summary>A one-line description of the pooler, for logs.</summary>
    public string Description { get; }

    internal string Folder { get; }

    internal int ProcessId =>
        int.Parse(File.ReadLines(Path.Combine(Folder, PgBouncerConfiguration.ProcessIdFile)).First(), CultureInfo.InvariantCulture);

    /// <summary>Finds the <c>pgbouncer</c> program.</summary>
    /// <remarks>
    /// The environment variable <c>EVENTSTORE_TEST_PGBOUNCER</c>, when set, names the program, and nothing else is
    /// searched; otherwise the first <c>pgbouncer</c> on PATH is used, else <c>/usr/sbin/pgbouncer</c>, where the Debian
    /// package installs it.
    /// </remarks>
    /// <returns>The program's path, or <see langword="null"/> when there is none; <see cref="MissingBinaryMessage"/> says why.</returns>
    public static string? FindBinary() => PgBouncerBinary.Find();

    /// <summary>Starts a pooler in front of a server, and waits until a query through it reaches the server.</summary>
    /// <param name="server">The server behind the pooler.</param>
    /// <param name="options">The pool's settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A pooler that passes queries to the server.</returns>
    /// <exception cref="InvalidOperationException">
    /// There is no pgbouncer (the message is <see cref="MissingBinaryMessage"/>), or it did not start; the message then
    /// holds its log.
    /// </exception>
    /// <exception cref="NotSupportedException">
    /// <see cref="PgBouncerOptions.MaxPreparedStatements"/> is set and the installed PgBouncer is older than 1.21.
    /// </exception>
    /// <exception cref="TimeoutException">No query reached the server through the pooler in time; the message holds its log.</exception>
    public static async Task<PgBouncer> StartAsync(PostgresServer server, PgBouncerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        options ??= new PgBouncerOptions();
        CheckSizes(options);
        var binary = FindBinary() ?? throw new InvalidOperationException(MissingBinaryMessage);
        var version = await PgBouncerBinary.ReadVersionAsync(binary, cancellationToken).ConfigureAwait(false);
        CheckSupported(options, binary, version);

        var runAsUser = Environment.IsPrivilegedProcess ? UnprivilegedUser.Find() : null;
        var folder = Directory.CreateTempSubdirectory("eventstore-pgbouncer-").FullName;
        ClusterRecord.Folder(folder);
        var port = LocalCluster.FreeLoopbackPort();
        OwnedScript script;
        try
        {
            PgBouncerConfiguration.Write(folder, port, new NpgsqlConnectionStringBuilder(server.ConnectionString), options);
            script = OwnedScript.Start(ScriptName, [folder, binary, runAsUser ?? string.Empty, PgBouncerBinary.ImmediateShutdownSignal(version)]);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        var description =
            $"PgBouncer {version} from {binary} in {options.PoolMode.ToString().ToLowerInvariant()} pooling mode, " +
            $"{options.DefaultPoolSize} server connections per database and user, on 127.0.0.1:{port}" +
            (runAsUser is null ? string.Empty : $", run as user '{runAsUser}'") + $", in front of {server.Description}";
        var pooler = new PgBouncer(script, folder, port, server.ConnectionString, description);
        try
        {
            await pooler.WaitUntilReadyAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
            ClusterRecord.Started(folder, "pgbouncer", pooler.ProcessId);
        }
        catch
        {
            await pooler.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        options.Log?.Invoke($"PgBouncer: started {pooler.Description}.");
        return pooler;
    }

    /// <summary>
    /// Turns a connection string to the server behind this pooler, such as a <see cref="TemporaryDatabase.ConnectionString"/>,
    /// into the same one through the pooler: the host and port are the pooler's, and everything else, the database and
    /// the user included, is kept.
    /// </summary>
    /// <param name="serverConnectionString">A connection string to the server behind this pooler.</param>
    /// <returns>The connection string through the pooler.</returns>
    /// <exception cref="ArgumentException">The connection string is for another server.</exception>
    public string Route(string serverConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString);
        if (!string.Equals(Endpoint(builder), _serverEndpoint, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"The connection string is for {Endpoint(builder)}, but this pooler is in front of {_serverEndpoint}.",
                nameof(serverConnectionString));
        }

        builder.Host = IPAddress.Loopback.ToString();
        builder.Port = _port;
        return builder.ConnectionString;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _script.DisposeAsync().ConfigureAwait(false);
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static void CheckSizes(PgBouncerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DefaultPoolSize, 1, $"{nameof(options)}.{nameof(PgBouncerOptions.DefaultPoolSize)}");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxClientConnections, 1, $"{nameof(options)}.{nameof(PgBouncerOptions.MaxClientConnections)}");
        if (options.MaxPreparedStatements is { } maxPreparedStatements)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(maxPreparedStatements, $"{nameof(options)}.{nameof(PgBouncerOptions.MaxPreparedStatements)}");
        }
    }

    private static void CheckSupported(PgBouncerOptions options, string binary, Version version)
    {
        var firstWithPreparedStatements = new Version(1, 21);
        if (options.MaxPreparedStatements is not null && version < firstWithPreparedStatements)
        {
            throw new NotSupportedException(
                $"{nameof(PgBouncerOptions)}.{nameof(PgBouncerOptions.MaxPreparedStatements)} sets max_prepared_statements, " +
                $"which PgBouncer supports from {firstWithPreparedStatements}, but {binary} is PgBouncer {version}. " +
                $"Install PgBouncer {firstWithPreparedStatements} or later, or leave {nameof(PgBouncerOptions.MaxPreparedStatements)} null.");
        }
    }

    private static string Endpoint(NpgsqlConnectionStringBuilder builder) =>
        string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}");

    private async Task WaitUntilReadyAsync(TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2, CommandTimeout = 2 }.ConnectionString;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_script.HasExited)
            {
                throw new InvalidOperationException($"PgBouncer in {Folder} did not start:{Environment.NewLine}{_script.Errors()}");
            }

            if (await ReachesServerAsync(probe, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (deadline.Elapsed > startTimeout)
            {
                throw new TimeoutException(
                    $"No query reached the server through PgBouncer in {Folder} within {startTimeout.TotalSeconds:0} s. " +
                    $"Its log:{Environment.NewLine}{await ReadLogAsync(cancellationToken).ConfigureAwait(false)}{_script.Errors()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ReachesServerAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new NpgsqlConnection(connectionString);
            await using var disposeConnection = connection.ConfigureAwait(false);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand("SELECT 1", connection);
            await using var disposeCommand = command.ConfigureAwait(false);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    private async Task<string> ReadLogAsync(CancellationToken cancellationToken)
    {
        var log = Path.Combine(Folder, PgBouncerConfiguration.LogFile);
        return File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken).ConfigureAwait(false) : "(none)";
    }
}
