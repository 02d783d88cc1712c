using Npgsql;

namespace EventStore.Dapper;

/// <summary>Runs the store's hot statements, prepared unless <see cref="EventStoreOptions.PrepareStatements"/> is off.</summary>
internal static class StoreCommands
{
    /// <summary>
    /// Prepares the command, then runs it. Npgsql keeps a prepared statement for the life of the physical connection,
    /// pooled reuse included, so only the first run of a statement on a connection costs a round trip to prepare it;
    /// later calls find it prepared and send nothing extra. The append statement costs more to plan than to run.
    /// </summary>
    public static async Task<NpgsqlDataReader> ExecuteReaderAsync(NpgsqlCommand command, bool prepare, CancellationToken cancellationToken)
    {
        if (prepare)
        {
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }

        return await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
    }
}
