using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// The one way the store and the processor run their statements: prepared unless
/// <see cref="EventStoreOptions.PrepareStatements"/> is off, cancellable, and read by the statement's own row reader.
/// </summary>
internal static class StoreCommands
{
    /// <summary>
    /// Prepares the command, runs it, and reads its rows with <paramref name="read"/>. Npgsql keeps a prepared statement
    /// for the life of the physical connection, pooled reuse included, so only the first run of a statement on a
    /// connection costs a round trip to prepare it; later calls find it prepared and send nothing extra.
    /// </summary>
    /// <param name="command">The statement, bound; disposed here.</param>
    /// <param name="prepare">Whether to prepare it.</param>
    /// <param name="state">What <paramref name="read"/> needs besides the rows, passed through so that no closure is allocated.</param>
    /// <param name="read">The statement's row reader.</param>
    /// <param name="cancellationToken">Cancels the statement on the server.</param>
    public static async Task<T> RunAsync<TState, T>(
        NpgsqlCommand command, bool prepare, TState state, Func<NpgsqlDataReader, TState, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        using (command)
        {
            if (prepare)
            {
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await read(reader, state, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
