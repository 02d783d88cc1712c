using EventStore.Testing;

namespace EventStore.Tests;

/// <summary>Finds or starts the one PostgreSQL server of this test run, and stops it at the end.</summary>
[SetUpFixture]
public sealed class TestServer
{
    private static PostgresServer? _server;

    /// <summary>The run's server; fixtures create their own databases on it.</summary>
    public static PostgresServer Server =>
        _server ?? throw new InvalidOperationException("The PostgreSQL server is only available inside the test run.");

    public static Task<TemporaryDatabase> CreateDatabaseAsync() => Server.CreateDatabaseAsync();

    [OneTimeSetUp]
    public async Task StartServer() =>
        _server = await PostgresServer.StartAsync(new PostgresServerOptions { Log = TestContext.Progress.WriteLine });

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}
