using Npgsql;

namespace EventStore.Tests.Harness;

public sealed class TestServerTests
{
    [Test]
    public async Task The_server_of_the_run_accepts_connections()
    {
        await using var connection = new NpgsqlConnection(TestServer.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version_num", connection);

        var version = int.Parse((string)(await command.ExecuteScalarAsync())!, System.Globalization.CultureInfo.InvariantCulture);

        version.ShouldBeGreaterThanOrEqualTo(130000, "the store's schema needs PostgreSQL 13 or later");
    }

    [Test]
    public async Task Temporary_databases_are_separate_and_dropped_on_dispose()
    {
        var first = await TestServer.CreateDatabaseAsync();
        await using var second = await TestServer.CreateDatabaseAsync();
        await using (var connection = await first.OpenConnectionAsync())
        await using (var create = new NpgsqlCommand("CREATE TABLE only_in_first (id int)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        (await TableExistsAsync(second, "only_in_first")).ShouldBeFalse();
        await first.DisposeAsync();

        (await DatabaseExistsAsync(first.Name)).ShouldBeFalse();
        (await DatabaseExistsAsync(second.Name)).ShouldBeTrue();
    }

    private static async Task<bool> TableExistsAsync(Testing.TemporaryDatabase database, string table)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        command.Parameters.AddWithValue("table", table);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(TestServer.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", connection);
        command.Parameters.AddWithValue("name", name);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
