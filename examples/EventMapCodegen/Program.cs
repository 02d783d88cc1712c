using EventStore.Examples.EventMapCodegen;
using EventStore.Testing;
using Npgsql;

try
{
    // EVENTSTORE_CONNECTION, when set, names the database to use; otherwise a throwaway PostgreSQL is started and stopped.
    var server = await PostgresServer.StartAsync(new PostgresServerOptions
    {
        ConnectionStringVariable = "EVENTSTORE_CONNECTION",
        Log = Console.WriteLine,
    }).ConfigureAwait(false);
    await using var disposeServer = server.ConfigureAwait(false);

    var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
    await using var disposeDataSource = dataSource.ConfigureAwait(false);

    await EventMapExample.RunAsync(dataSource, Console.Out, CancellationToken.None).ConfigureAwait(false);
    return 0;
}
catch (Exception error)
{
    await Console.Error.WriteLineAsync($"The event-map example failed: {error.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
    return 1;
}
