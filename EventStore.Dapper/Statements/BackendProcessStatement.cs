using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Reads the process id of the server session that runs the statement. Npgsql learns a process id when it opens a
/// connection (<see cref="NpgsqlConnection.ProcessID"/>); a direct connection's is its session's, but a pooler such as
/// PgBouncer answers the open itself and hands out an id of its own, so the two differ behind one.
/// </summary>
internal static class BackendProcessStatement
{
    private const string Sql = "SELECT pg_backend_pid()";

    /// <summary>Whether <paramref name="connection"/> reaches PostgreSQL through a pooler rather than a session of its own.</summary>
    public static async Task<bool> IsBehindPoolerAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            var backend = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return backend != connection.ProcessID;
        }
    }
}
