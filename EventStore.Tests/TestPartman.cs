using EventStore.Testing;
using Npgsql;

namespace EventStore.Tests;

/// <summary>
/// pg_partman on the run's server (<see cref="TestServer.Server"/>), for the tests that hand partition maintenance to
/// it: the extension must be available to the server, since <c>CREATE EXTENSION</c> loads it from the server's own
/// share folder.
/// </summary>
/// <remarks>
/// Where the server has no pg_partman, a test that asks for it is ignored, with the message naming the Debian package
/// for the server's major version; in CI (the environment variable <c>CI</c> is <c>true</c>) it fails instead, since
/// the build installs that package there and must never skip what it was set up to test.
/// </remarks>
internal static class TestPartman
{
    /// <summary>The schema the tests install pg_partman into, as its documentation does.</summary>
    public const string Schema = "partman";

    private static readonly Lazy<Task<string?>> Missing = new(FindWhatIsMissingAsync);

    /// <summary>Installs pg_partman into <paramref name="database"/>, in the schema <see cref="Schema"/>.</summary>
    public static async Task InstallAsync(TemporaryDatabase database)
    {
        if (await Missing.Value is { } message)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"CREATE SCHEMA {Schema}; CREATE EXTENSION pg_partman SCHEMA {Schema};", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> FindWhatIsMissingAsync()
    {
        await using var connection = new NpgsqlConnection(TestServer.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version_num')::int / 10000, EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pg_partman')",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var major = reader.GetInt32(0);
        var package = $"postgresql-{major}-partman";
        return reader.GetBoolean(1)
            ? null
            : $"pg_partman is not installed for the test server ({TestServer.Server.Description}). On Debian or Ubuntu, install " +
              $"the package {package} (apt-get install {package}) where the server runs; `dotnet cake` does so when it runs as root.";
    }
}
