using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace EventStore.Testing;

/// <summary>
/// A PostgreSQL cluster in a temporary folder, run by <c>run-cluster.sh</c>. The script lives in its own
/// session, so a Ctrl+C to the test run does not cut its cleanup short, and it tears the cluster down as
/// soon as this process closes its standard input — by disposing, or by dying.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _script;
    private readonly StringBuilder _scriptErrors;

    private LocalCluster(Process script, StringBuilder scriptErrors, string folder, string connectionString, string? runAsUser)
    {
        _script = script;
        _scriptErrors = scriptErrors;
        Folder = folder;
        ConnectionString = connectionString;
        RunAsUser = runAsUser;
    }

    public string Folder { get; }

    public string ConnectionString { get; }

    /// <summary>The unprivileged user the server runs as when this process is root; null otherwise.</summary>
    public string? RunAsUser { get; }

    public static async Task<LocalCluster> StartAsync(string binDirectory, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var runAsUser = Environment.IsPrivilegedProcess ? UnprivilegedUser.Find() : null;
        var folder = Directory.CreateTempSubdirectory("eventstore-pg-").FullName;
        var port = FreeLoopbackPort();
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;

        var errors = new StringBuilder();
        var script = StartScript(folder, port, binDirectory, runAsUser, errors);
        var cluster = new LocalCluster(script, errors, folder, connectionString, runAsUser);
        try
        {
            await cluster.WaitUntilReadyAsync(startTimeout, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_script.HasExited)
        {
            _script.StandardInput.Close();
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _script.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _script.Kill(entireProcessTree: true);
            }
        }

        _script.Dispose();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static Process StartScript(string folder, int port, string binDirectory, string? runAsUser, StringBuilder errors)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--wait", "bash", "-c", ReadScript(), "run-cluster", folder,
                     port.ToString(CultureInfo.InvariantCulture), binDirectory, runAsUser ?? string.Empty })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync(TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_script.HasExited)
            {
                throw new InvalidOperationException(
                    $"The local PostgreSQL cluster in {Folder} did not start:{Environment.NewLine}{ScriptErrors()}");
            }

            if (await AcceptsConnectionsAsync(probe, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (deadline.Elapsed > startTimeout)
            {
                throw new TimeoutException(
                    $"The local PostgreSQL cluster in {Folder} did not accept connections within {startTimeout.TotalSeconds:0} s.{Environment.NewLine}{ScriptErrors()}");
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

    private string ScriptErrors()
    {
        // The error stream is read on another thread; wait for it to drain after the script exits.
        if (_script.HasExited)
        {
            _script.WaitForExit();
        }

        lock (_scriptErrors)
        {
            return _scriptErrors.ToString();
        }
    }

    internal static string ReadScript()
    {
        using var stream = typeof(LocalCluster).Assembly.GetManifestResourceStream("run-cluster.sh")
            ?? throw new InvalidOperationException("The embedded resource run-cluster.sh is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
