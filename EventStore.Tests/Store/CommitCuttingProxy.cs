using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace EventStore.Tests.Store;

/// <summary>
/// A relay between Npgsql and the server that, once armed, lets the client's next COMMIT through, waits until the
/// server has answered it, and then cuts the connection instead of passing the answer on: a commit that happened but
/// whose acknowledgement was lost, the ambiguous failure that idempotent appends exist for.
/// </summary>
internal sealed class CommitCuttingProxy : IAsyncDisposable
{
    private static readonly byte[] Commit = Encoding.ASCII.GetBytes("COMMIT");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _relays = [];
    private readonly Task _accepting;
    private volatile bool _armed;
    private volatile bool _commitSent;

    private CommitCuttingProxy(string serverConnectionString)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString);
        // A host that is a folder means a Unix socket, named the way PostgreSQL names it.
        _server = server.Host!.StartsWith('/')
            ? new UnixDomainSocketEndPoint(Path.Combine(server.Host, $".s.PGSQL.{server.Port}"))
            : new IPEndPoint(Dns.GetHostAddresses(server.Host)[0], server.Port);
        _listener.Start();
        server.Host = IPAddress.Loopback.ToString();
        server.Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        // No pool, so nothing but this test's own messages crosses the relay.
        server.Pooling = false;
        ConnectionString = server.ConnectionString;
        _accepting = AcceptAsync();
    }

    /// <summary>Connects through the relay to the same server and database.</summary>
    public string ConnectionString { get; }

    /// <summary>Whether an armed cut has happened: the server answered a COMMIT that the client never saw answered.</summary>
    public bool Cut { get; private set; }

    public static CommitCuttingProxy Start(string serverConnectionString) => new(serverConnectionString);

    /// <summary>Cuts the connection after the next COMMIT the server answers.</summary>
    public void CutAfterNextCommit() => _armed = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_relays);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _relays.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(_server.AddressFamily, SocketType.Stream, _server is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await server.ConnectAsync(_server, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            await Task.WhenAny(
                PumpAsync(client, server, fromClient: true, cut),
                PumpAsync(server, client, fromClient: false, cut));
            await cut.CancelAsync();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool fromClient, CancellationTokenSource cut)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cut.Token);
                if (read == 0)
                {
                    return;
                }

                if (!fromClient && _commitSent)
                {
                    // The server has committed and answered; the client never hears of it.
                    Cut = true;
                    _armed = false;
                    _commitSent = false;
                    return;
                }

                if (fromClient && _armed && buffer.AsSpan(0, read).IndexOf(Commit) >= 0)
                {
                    _commitSent = true;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cut.Token);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException)
        {
            // The other direction ended or the relay was stopped; the connection is over either way.
        }
    }
}
