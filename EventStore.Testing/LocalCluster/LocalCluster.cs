using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Npgsql;

namespace EventStore.Testing;

/// <summary>
/// A PostgreSQL cluster in a temporary folder, run by <c>run-cluster.sh</c>. The script lives in its own
/// session, so a Ctrl+C to the test run does not cut its cleanup short, and it tears the cluster down as
/// soon as this process closes its standard input — by disposing, or by dying. While it is open, this process
/// sends the script commands on it, one a line, and reads the script's answers from its standard output.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _script;
    private readonly StringBuilder _scriptErrors;
    private readonly ChannelReader<string> _scriptAnswers;
    private readonly TimeSpan _startTimeout;
    private readonly SemaphoreSlim _oneCommandAtATime = new(1, 1);

    private LocalCluster(
        Process script, StringBuilder scriptErrors, ChannelReader<string> scriptAnswers, TimeSpan startTimeout,
        string folder, string connectionString, string? runAsUser)
    {
        _script = script;
        _scriptErrors = scriptErrors;
        _scriptAnswers = scriptAnswers;
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

        var errors = new StringBuilder();
        var answers = Channel.CreateUnbounded<string>();
        var script = StartScript(folder, port, binDirectory, runAsUser, primaryPort, durable, errors, answers.Writer);
        var cluster = new LocalCluster(script, errors, answers.Reader, startTimeout, folder, connectionString, runAsUser);
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
            await _script.StandardInput.WriteLineAsync("restart".AsMemory(), cancellationToken).ConfigureAwait(false);
            await _script.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
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
        _oneCommandAtATime.Dispose();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static Process StartScript(
        string folder, int port, string binDirectory, string? runAsUser, int? primaryPort, bool durable, StringBuilder errors,
        ChannelWriter<string> answers)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--wait", "bash", "-c", ReadScript(), "run-cluster", folder,
                     port.ToString(CultureInfo.InvariantCulture), binDirectory, runAsUser ?? string.Empty,
                     primaryPort?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, durable ? "durable" : string.Empty })
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
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                answers.TryComplete();
            }
            else
            {
                answers.TryWrite(line.Data);
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private async Task WaitForAnswerAsync(string answer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            await foreach (var line in _scriptAnswers.ReadAllAsync(timeout.Token).ConfigureAwait(false))
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
                $"The local PostgreSQL cluster in {Folder} did not answer '{answer}' within {StopTimeout.TotalSeconds:0} s.{Environment.NewLine}{ScriptErrors()}");
        }

        throw new InvalidOperationException(
            $"The script of the local PostgreSQL cluster in {Folder} ended before it answered '{answer}':{Environment.NewLine}{ScriptErrors()}");
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
                    $"The local PostgreSQL cluster in {Folder} did not start:{Environment.NewLine}{ScriptErrors()}");
            }

            if (await AcceptsConnectionsAsync(probe, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (deadline.Elapsed > _startTimeout)
            {
                throw new TimeoutException(
                    $"The local PostgreSQL cluster in {Folder} did not accept connections within {_startTimeout.TotalSeconds:0} s.{Environment.NewLine}{ScriptErrors()}");
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
