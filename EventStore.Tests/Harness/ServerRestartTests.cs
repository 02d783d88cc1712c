using EventStore.Testing;
using Npgsql;

namespace EventStore.Tests.Harness;

public sealed class ServerRestartTests
{
    [Test]
    public async Task Restarting_a_local_cluster_cuts_open_connections_and_keeps_committed_data()
    {
        await using var server = await PostgresServer.StartAsync(OwnLocalCluster());
        // Unpooled, so each connection below is a new session and the test sees the server, not the pool.
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString;
        await using var before = new NpgsqlConnection(connectionString);
        await before.OpenAsync();
        await ExecuteAsync(before, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
        var startedBefore = await ScalarAsync<DateTime>(before, "SELECT pg_postmaster_start_time()");

        await server.RestartAsync();

        var cut = await Should.ThrowAsync<PostgresException>(() => ScalarAsync<int>(before, "SELECT 1"));
        cut.SqlState.ShouldBe(PostgresErrorCodes.AdminShutdown);
        await using var after = new NpgsqlConnection(connectionString);
        await after.OpenAsync();
        (await ScalarAsync<DateTime>(after, "SELECT pg_postmaster_start_time()")).ShouldBeGreaterThan(startedBefore);
        (await ScalarAsync<int>(after, "SELECT id FROM kept")).ShouldBe(42);
    }

    [Test]
    public async Task Restarting_a_server_named_by_a_connection_string_is_not_supported()
    {
        // A variable of its own, so no other test's server lookup sees it.
        var variable = $"EVENTSTORE_RESTART_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, TestServer.Server.ConnectionString);
        try
        {
            await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { ConnectionStringVariable = variable });
            server.Source.ShouldBe(PostgresServerSource.ConnectionString);

            var refused = await Should.ThrowAsync<NotSupportedException>(() => server.RestartAsync());

            refused.Message.ShouldContain("local cluster");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static PostgresServerOptions OwnLocalCluster() => new() { UseConnectionStringVariable = false, UseTestcontainers = false };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
