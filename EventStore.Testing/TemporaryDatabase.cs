using Npgsql;

namespace EventStore.Testing;

/// <summary>A database of its own for one test fixture, so fixtures can run in parallel; dropped on dispose.</summary>
public sealed class TemporaryDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private TemporaryDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>A connection string to this database.</summary>
    public string ConnectionString { get; }

    /// <summary>Opens a new connection to this database.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection that the caller disposes.</returns>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }


        // FORCE ends sessions a test left open, so a failed test cannot keep its database alive.
        await ExecuteOnServerAsync(_serverConnectionString, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", CancellationToken.None)
            .ConfigureAwait(false);
    }

    internal static async Task<TemporaryDatabase> CreateAsync(string serverConnectionString, CancellationToken cancellationToken)
    {
        var name = $"eventstore_test_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync(serverConnectionString, $"CREATE DATABASE \"{name}\"", cancellationToken).ConfigureAwait(false);
        return new TemporaryDatabase(serverConnectionString, name);
    }

    private static async Task ExecuteOnServerAsync(string serverConnectionString, string statement, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(serverConnectionString);
        await using var disposeConnection = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand(statement, connection);
        await using var disposeCommand = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
