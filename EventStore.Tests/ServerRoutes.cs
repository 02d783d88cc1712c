using Npgsql;

namespace EventStore.Tests;

/// <summary>Turns a direct connection string into one for a <see cref="ServerRoute"/>.</summary>
internal static class ServerRoutes
{
    /// <summary>
    /// The connection string that reaches the same database by <paramref name="route"/>. Through PgBouncer, a test on a
    /// machine without it is skipped, or fails in CI, with a message naming the package. It sets No Reset On Close, as
    /// the README asks of users behind a pooler: Npgsql's reset would otherwise run DISCARD ALL in whichever server
    /// session the next transaction gets, and clear the application name that tells the tests' instances apart.
    /// </summary>
    public static async Task<string> ConnectionStringAsync(ServerRoute route, string directConnectionString) => route switch
    {
        ServerRoute.Direct => directConnectionString,
        _ => new NpgsqlConnectionStringBuilder((await TestPooler.RequireAsync()).Route(directConnectionString)) { NoResetOnClose = true }.ConnectionString,
    };
}
