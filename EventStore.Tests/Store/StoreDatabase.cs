using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;

namespace EventStore.Tests.Store;

/// <summary>
/// A fresh database with the store's schema, for one fixture; tests in it use their own aggregate ids. Its clients
/// reach it by its <see cref="ServerRoute"/>; the schema is always made directly.
/// </summary>
internal sealed class StoreDatabase : IAsyncDisposable
{
    private StoreDatabase(TemporaryDatabase database, EventStoreOptions options, string connectionString)
    {
        Database = database;
        Options = options;
        ConnectionString = connectionString;
        Store = new PostgresEventStore(options);
    }

    public TemporaryDatabase Database { get; }

    /// <summary>The connection string the fixture's clients use: direct, or through PgBouncer.</summary>
    public string ConnectionString { get; }

    public EventStoreOptions Options { get; }

    public PostgresEventStore Store { get; }

    /// <summary>Positions per partition of a partitioned test log: small, so that a fixture's events span many partitions.</summary>
    public const long TestPartitionSize = 100;

    /// <summary>Partitions made ahead of the sequence for a partitioned test log: room for 20,000 positions.</summary>
    private const int TestPartitionsAhead = 200;

    public static async Task<StoreDatabase> CreateAsync(
        EventStoreOptions? options = null, ServerRoute route = ServerRoute.Direct, LogSchema schema = LogSchema.Plain)
    {
        options ??= EventStoreOptions.Default;
        if (schema == LogSchema.Partitioned)
        {
            options = options with { PartitionSize = TestPartitionSize };
        }

        var database = await TestServer.CreateDatabaseAsync();
        string connectionString;
        try
        {
            connectionString = await ServerRoutes.ConnectionStringAsync(route, database.ConnectionString);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }

        await using (var connection = await database.OpenConnectionAsync())
        {
            await using (var command = new NpgsqlCommand(MigrationEmitter.Render(options), connection))
            {
                await command.ExecuteNonQueryAsync();
            }

            if (schema == LogSchema.Partitioned)
            {
                await using var partitions = new NpgsqlCommand($"SELECT \"{options.EventsTable}_create_partitions\"({TestPartitionsAhead})", connection);
                await partitions.ExecuteNonQueryAsync();
            }
        }

        return new StoreDatabase(database, options, connectionString);
    }

    public async Task<NpgsqlConnection> OpenConnectionAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction of its own on a new connection and commits it.</summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var connection = await OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await work(transaction);
        await transaction.CommitAsync();
        return result;
    }

    public Task<AppendResult> AppendAsync(ExpectedVersion expectedVersion, params Event[] events) =>
        InTransactionAsync(transaction => Store.AppendAsync(transaction, expectedVersion, events));

    public Task<AggregateStream> ReadStreamAsync(string aggregateType, string aggregateId, long? fromVersion = null, long? toVersion = null) =>
        InTransactionAsync(transaction => Store.ReadAggregateStreamAsync(transaction, aggregateType, aggregateId, fromVersion, toVersion));

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
