using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;

namespace EventStore.Tests.Store;

/// <summary>A fresh database with the store's schema, for one fixture; tests in it use their own aggregate ids.</summary>
internal sealed class StoreDatabase : IAsyncDisposable
{
    private StoreDatabase(TemporaryDatabase database, EventStoreOptions options)
    {
        Database = database;
        Options = options;
        Store = new PostgresEventStore(options);
    }

    public TemporaryDatabase Database { get; }

    public EventStoreOptions Options { get; }

    public PostgresEventStore Store { get; }

    public static async Task<StoreDatabase> CreateAsync(EventStoreOptions? options = null)
    {
        options ??= EventStoreOptions.Default;
        var database = await TestServer.CreateDatabaseAsync();
        await using (var connection = await database.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand(MigrationEmitter.Render(options), connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new StoreDatabase(database, options);
    }

    public Task<NpgsqlConnection> OpenConnectionAsync() => Database.OpenConnectionAsync();

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
