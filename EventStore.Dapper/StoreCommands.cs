using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// The one way the store and the processor run their statements: prepared where <see cref="StatementPreparation"/>
/// allows it, cancellable, and read by the statement's own row reader.
/// </summary>
internal static class StoreCommands
{
    /// <summary>
    /// Prepares the command when allowed, runs it, and reads its rows with <paramref name="read"/>. Npgsql keeps a
    /// prepared statement for the life of the physical connection, pooled reuse included, so only the first run of a
    /// statement on a connection costs a round trip to prepare it; later calls find it prepared and send nothing extra.
    /// </summary>
    /// <param name="command">The statement, bound, with its connection; disposed here.</param>
    /// <param name="preparation">Whether to prepare it on this connection.</param>
    /// <param name="state">What <paramref name="read"/> needs besides the rows, passed through so that no closure is allocated.</param>
    /// <param name="read">The statement's row reader.</param>
    /// <param name="cancellationToken">Cancels the statement on the server.</param>
    /// <exception cref="InvalidOperationException">A pooler lost or mixed up a prepared statement; the message names the fixes.</exception>
    public static async Task<T> RunAsync<TState, T>(
        NpgsqlCommand command, StatementPreparation preparation, TState state, Func<NpgsqlDataReader, TState, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        using (command)
        {
            var prepared = await preparation.ShouldPrepareAsync(command.Connection!, command.Transaction, cancellationToken).ConfigureAwait(false);
            try
            {
                if (prepared)
                {
                    await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                }

                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await read(reader, state, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (PostgresException error) when (prepared && IsLostPreparedStatement(error))
            {
                throw StatementPreparation.PreparedStatementsLost(error);
            }
        }
    }

    /// <summary>
    /// The errors of a prepared statement that a server session does not have, or has under another client's name;
    /// PostgreSQL raises none of them for statements a client prepared in its own session.
    /// </summary>
    private static bool IsLostPreparedStatement(PostgresException error) => error.SqlState is
        PostgresErrorCodes.DuplicatePreparedStatement or PostgresErrorCodes.InvalidSqlStatementName or PostgresErrorCodes.ProtocolViolation;
}
