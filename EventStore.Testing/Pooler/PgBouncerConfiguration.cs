using System.Globalization;
using Npgsql;

namespace EventStore.Testing;

/// <summary>Writes a pooler's configuration and its list of users into its folder.</summary>
internal static class PgBouncerConfiguration
{
    public const string ConfigurationFile = "pgbouncer.ini";
    public const string UsersFile = "userlist.txt";
    public const string ProcessIdFile = "pgbouncer.pid";

    /// <summary>The log, which <c>run-pgbouncer.sh</c> writes from pgbouncer's standard error.</summary>
    public const string LogFile = "pgbouncer.log";

    /// <summary>The superuser every throwaway cluster has, listed even when the server's connection string names another user.</summary>
    private const string Superuser = "postgres";

    /// <param name="folder">The pooler's folder.</param>
    /// <param name="port">The loopback port the pooler listens on.</param>
    /// <param name="server">The connection string of the server behind the pooler.</param>
    /// <param name="options">The pool's settings.</param>
    public static void Write(string folder, int port, NpgsqlConnectionStringBuilder server, PgBouncerOptions options)
    {
        File.WriteAllLines(Path.Combine(folder, ConfigurationFile), Configuration(folder, port, server, options));
        File.WriteAllLines(Path.Combine(folder, UsersFile), Users(server).Select(user => $"{Quoted(user.Key)} {Quoted(user.Value)}"));
    }

    // No ignore_startup_parameters: Npgsql's startup packet holds only what PgBouncer tracks itself (user, database,
    // client_encoding, and application_name and TimeZone when the connection string sets them). It adds search_path and
    // options only when the connection string sets them, and ignoring those would run the client with the server's
    // defaults instead of refusing the connection, as PgBouncer does.
    private static IEnumerable<string> Configuration(string folder, int port, NpgsqlConnectionStringBuilder server, PgBouncerOptions options)
    {
        yield return "[databases]";
        // The wildcard passes every database name through, so a temporary database needs no entry of its own.
        yield return Invariant($"* = host={server.Host} port={server.Port}");
        yield return "[pgbouncer]";
        yield return "listen_addr = 127.0.0.1";
        yield return Invariant($"listen_port = {port}");
        // A socket would land in the shared /tmp, outside the folder that is removed when the pooler stops.
        yield return "unix_socket_dir =";
        // Trust still admits only the users in the auth file, and logs in to the server with the passwords listed there.
        yield return "auth_type = trust";
        yield return $"auth_file = {Path.Combine(folder, UsersFile)}";
        yield return $"pidfile = {Path.Combine(folder, ProcessIdFile)}";
        yield return $"pool_mode = {options.PoolMode.ToString().ToLowerInvariant()}";
        yield return Invariant($"default_pool_size = {options.DefaultPoolSize}");
        yield return Invariant($"max_client_conn = {options.MaxClientConnections}");
        // Session pooling runs it when a client leaves, so the next client starts from a clean session; the other modes
        // never run it, since their clients share sessions by design.
        yield return "server_reset_query = DISCARD ALL";
        if (options.MaxPreparedStatements is { } maxPreparedStatements)
        {
            yield return Invariant($"max_prepared_statements = {maxPreparedStatements}");
        }
    }

    // A cluster's trust authentication needs no password, and a server from a connection string gets the one the string
    // holds, which the pooler passes on (as SCRAM when the server asks for it).
    private static Dictionary<string, string> Users(NpgsqlConnectionStringBuilder server)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal) { [Superuser] = string.Empty };
        if (server.Username is { Length: > 0 } user)
        {
            users[user] = server.Password ?? string.Empty;
        }

        return users;
    }

    // The auth file quotes each field in double quotes, and doubles a double quote inside one.
    private static string Quoted(string field) => $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
