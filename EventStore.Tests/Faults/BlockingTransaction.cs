using EventStore.Tests.Store;
using Npgsql;

namespace EventStore.Tests.Faults;

/// <summary>
/// A transaction on a connection of its own that holds a lock until it is disposed, so that a statement of the test
/// waits for it for as long as the test wants, instead of for as long as a sleep lasts.
/// </summary>
internal sealed class BlockingTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private BlockingTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>Locks the aggregate's head row, which every append to that aggregate must lock too.</summary>
    public static Task<BlockingTransaction> HoldHeadRowAsync(StoreDatabase db, string aggregateType, string aggregateId) =>
        StartAsync(db, async command =>
        {
            command.CommandText = "SELECT 1 FROM aggregate_heads WHERE aggregate_type = @type AND aggregate_id = @id FOR UPDATE";
            command.Parameters.AddWithValue("type", aggregateType);
            command.Parameters.AddWithValue("id", aggregateId);
            (await command.ExecuteScalarAsync()).ShouldNotBeNull("the aggregate has no head row to hold");
        });

    /// <summary>Locks the events table against everything, plain reads included, in the fixture's own database.</summary>
    public static Task<BlockingTransaction> LockEventsTableAsync(StoreDatabase db) =>
        StartAsync(db, command =>
        {
            command.CommandText = "LOCK TABLE events IN ACCESS EXCLUSIVE MODE";
            return command.ExecuteNonQueryAsync();
        });

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static async Task<BlockingTransaction> StartAsync(StoreDatabase db, Func<NpgsqlCommand, Task> takeLock)
    {
        var connection = await db.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        var blocking = new BlockingTransaction(connection, transaction);
        try
        {
            await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            await takeLock(command);
            return blocking;
        }
        catch
        {
            // A lock taken by a failed setup would otherwise outlive the test and hold up the fixture's other tests.
            await blocking.DisposeAsync();
            throw;
        }
    }
}
