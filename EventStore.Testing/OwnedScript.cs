using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace EventStore.Testing;

/// <summary>
/// A bash script embedded in this assembly that runs a throwaway server and removes it again. The script lives in its
/// own session, so a Ctrl+C to the test run does not cut its cleanup short, and it tears the server down as soon as
/// this process closes its standard input — by disposing, or by dying. While the input is open, this process may send
/// the script commands on it, one a line, and read the script's answers from its standard output.
/// </summary>
internal sealed class OwnedScript : IAsyncDisposable
{
    /// <summary>How long the script may take to stop its server before it is killed.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();

    private OwnedScript(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>The lines the script writes to its standard output; complete once the script has ended.</summary>
    public ChannelReader<string> Answers => _answers.Reader;

    /// <param name="resourceName">The script's logical name among this assembly's embedded resources.</param>
    /// <param name="arguments">The script's arguments, from <c>$1</c> on.</param>
    public static OwnedScript Start(string resourceName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--wait", "bash", "-c", Read(resourceName), Path.GetFileNameWithoutExtension(resourceName) }
                     .Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var script = new OwnedScript(new Process { StartInfo = startInfo });
        script.Run();
        return script;
    }

    public static string Read(string resourceName)
    {
        using var stream = typeof(OwnedScript).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded resource {resourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async Task SendAsync(string command, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(command.AsMemory(), cancellationToken).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the script has written to its standard error so far, all of it once the script has ended.</summary>
    public string Errors()
    {
        // The error stream is read on another thread; wait for it to drain after the script exits.
        if (_process.HasExited)
        {
            _process.WaitForExit();
        }

        lock (_errors)
        {
            return _errors.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private void Run()
    {
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(line.Data);
            }
        };
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                _answers.Writer.TryComplete();
            }
            else
            {
                _answers.Writer.TryWrite(line.Data);
            }
        };
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }
}
