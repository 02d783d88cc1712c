using Npgsql;

namespace EventStore.Tests;

/// <summary>Turns a direct connection string into one for a <see cref="ServerRoute"/>.</summary>
internal static class ServerRoutes
{
    /// <summary>
    /// The connection string that reaches the same database by <paramref name="route"/>. Through PgBouncer, a test on a
    /// machine without it is skipped, or fails in CI, with a message naming the package.
    /// </summary>
    /// <remarks>
    /// The application name tells the tests' processor instances apart, also in <c>pg_stat_activity</c>, where a test
    /// ends an instance's sessions. Through PgBouncer that needs two settings. No Reset On Close, as the README asks of
    /// users behind a pooler: Npgsql's reset would otherwise run DISCARD ALL in whichever server session the next
    /// transaction gets, which clears the name. And a name for every client, since PgBouncer sets a client's name on
    /// the server session it lends it only when the client has one; a nameless client would run under the name of the
    /// session's last borrower, and could be ended in its place.
    /// </remarks>
    public static async Task<string> ConnectionStringAsync(ServerRoute route, string directConnectionString) => route switch
    {
        ServerRoute.Direct => directConnectionString,
        _ => new NpgsqlConnectionStringBuilder((await TestPooler.RequireAsync()).Route(directConnectionString))
        {
            NoResetOnClose = true,
            ApplicationName = "eventstore-tests",
        }.ConnectionString,
    };
}
