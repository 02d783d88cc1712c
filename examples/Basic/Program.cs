using EventStore.Examples.Basic;
using EventStore.Testing;
using Npgsql;

try
{
    // With EVENTSTORE_CONNECTION set, the example uses that database as given and leaves the server running;
    // otherwise it starts a throwaway PostgreSQL, uses its maintenance database, and stops it on dispose.
    var server = await PostgresServer.StartAsync(new PostgresServerOptions
    {
        ConnectionStringVariable = "EVENTSTORE_CONNECTION",
        Log = Console.WriteLine,
    }).ConfigureAwait(false);
    await using var disposeServer = server.ConfigureAwait(false);

    var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
    await using var disposeDataSource = dataSource.ConfigureAwait(false);

    await BasicExample.RunAsync(dataSource, Console.Out, CancellationToken.None).ConfigureAwait(false);
    return 0;
}
catch (Exception error)
{
    // Whatever failed (finding a server, the network, the example), whoever ran the demo gets one line, not a stack trace.
    await Console.Error.WriteLineAsync($"The basic example failed: {error.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
    return 1;
}
