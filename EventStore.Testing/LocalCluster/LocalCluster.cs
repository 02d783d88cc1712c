using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EventStore.Testing;

/// <summary>
/// A PostgreSQL cluster in a temporary folder, run by <c>run-cluster.sh</c> as an <see cref="OwnedScript"/>, so the
/// cluster is torn down when this process disposes it or dies. Its one command, <c>restart</c>, answers
/// <c>restarted</c>.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private const string ScriptName = "run-cluster.sh";

    private readonly OwnedScript _script;
    private readonly TimeSpan _startTimeout;
    private readonly SemaphoreSlim _oneCommandAtATime = new(1, 1);

    private LocalCluster(OwnedScript script, TimeSpan startTimeout, string folder, string connectionString, string? runAsUser)
    {
        _script = script;
        _startTimeout = startTimeout;
        Folder = folder;
        ConnectionString = connectionString;
        RunAsUser = runAsUser;
    }

    public string Folder { get; }

    public string ConnectionString { get; }

    /// <summary>The unprivileged user the server runs as when this process is root; null otherwise.</summary>
    public string? RunAsUser { get; }

    /// <param name="binDirectory">Where the server binaries are.</param>
    /// <param name="startTimeout">How long the server may take to accept connections.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="primaryPort">The port of a local cluster to copy and follow as its hot standby; null for a new cluster.</param>
    /// <param name="durable">Whether the server keeps fsync, full_page_writes and synchronous_commit on.</param>
    public static async Task<LocalCluster> StartAsync(
        string binDirectory, TimeSpan startTimeout, CancellationToken cancellationToken, int? primaryPort = null, bool durable = false)
    {
        var runAsUser = Environment.IsPrivilegedProcess ? UnprivilegedUser.Find() : null;
        var folder = Directory.CreateTempSubdirectory("eventstore-pg-").FullName;
        ClusterRecord.Folder(folder);
        var port = FreeLoopbackPort();
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;

        var script = OwnedScript.Start(ScriptName,
        [
            folder, port.ToString(CultureInfo.InvariantCulture), binDirectory, runAsUser ?? string.Empty,
            primaryPort?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, durable ? "durable" : string.Empty,
        ]);
        var cluster = new LocalCluster(script, startTimeout, folder, connectionString, runAsUser);
        try
        {
            await cluster.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            ClusterRecord.Postmaster(folder);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops the server with a fast shutdown, which cuts every connection, and starts it again on the same port and
    /// data folder; returns once it accepts connections.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await _oneCommandAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _script.SendAsync("restart", cancellationToken).ConfigureAwait(false);
            await WaitForAnswerAsync("restarted", cancellationToken).ConfigureAwait(false);
            await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            ClusterRecord.Postmaster(Folder);
        }
        finally
        {
            _oneCommandAtATime.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _script.DisposeAsync().ConfigureAwait(false);
        _oneCommandAtATime.Dispose();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private async Task WaitForAnswerAsync(string answer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OwnedScript.StopTimeout);
        try
        {
            await foreach (var line in _script.Answers.ReadAllAsync(timeout.Token).ConfigureAwait(false))
            {
                if (line == answer)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The local PostgreSQL cluster in {Folder} did not answer '{answer}' within {OwnedScript.StopTimeout.TotalSeconds:0} s.{Environment.NewLine}{_script.Errors()}");
        }

        throw new InvalidOperationException(
            $"The script of the local PostgreSQL cluster in {Folder} ended before it answered '{answer}':{Environment.NewLine}{_script.Errors()}");
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_script.HasExited)
            {
                throw new InvalidOperationException(
                    $"The local PostgreSQL cluster in {Folder} did not start:{Environment.NewLine}{_script.Errors()}");
            }

            if (await AcceptsConnectionsAsync(probe, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (deadline.Elapsed > _startTimeout)
            {
                throw new TimeoutException(
                    $"The local PostgreSQL cluster in {Folder} did not accept connections within {_startTimeout.TotalSeconds:0} s.{Environment.NewLine}{_script.Errors()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new NpgsqlConnection(connectionString);
            await using var disposeConnection = connection.ConfigureAwait(false);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    internal static string ReadScript() => OwnedScript.Read(ScriptName);

    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
