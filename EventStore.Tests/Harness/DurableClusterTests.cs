using EventStore.Testing;
using Npgsql;

namespace EventStore.Tests.Harness;

public sealed class DurableClusterTests
{
    [SetUp]
    public void RequireBinaries() =>
        Assume.That(PostgresBinaries.Find(), Is.Not.Null, "these tests need the PostgreSQL server binaries on this machine");

    [TestCase(true, "on")]
    [TestCase(false, "off")]
    public async Task A_local_cluster_flushes_commits_to_disk_only_when_asked_to_be_durable(bool durable, string expected)
    {
        await using var server = await PostgresServer.StartAsync(
            new PostgresServerOptions { UseConnectionStringVariable = false, UseTestcontainers = false, Durable = durable });
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();

        (await SettingAsync(connection, "fsync")).ShouldBe(expected);
        (await SettingAsync(connection, "full_page_writes")).ShouldBe(expected);
        (await SettingAsync(connection, "synchronous_commit")).ShouldBe(expected);
    }

    private static async Task<string> SettingAsync(NpgsqlConnection connection, string name)
    {
        await using var command = new NpgsqlCommand($"SHOW {name}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
