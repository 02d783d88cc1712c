using EventStore.Dapper;
using Npgsql;

namespace EventStore.Tests.Store;

/// <summary>Helpers shared by the read, notify and table-name tests.</summary>
internal static class ReadTestSupport
{
    /// <summary>An aggregate id no other test uses, so tests can share a fixture's database and run in parallel.</summary>
    public static string NewId(string prefix = "agg") => $"{prefix}-{Guid.NewGuid():N}";

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until the backend <paramref name="processId"/> is blocked on a lock, so a test knows a racing statement
    /// has really reached the point where it waits for another transaction.
    /// </summary>
    public static async Task WaitUntilBlockedAsync(NpgsqlConnection observer, int processId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await ScalarAsync<bool>(
                   observer,
                   "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = @pid AND wait_event_type = 'Lock')",
                   ("pid", processId)))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Backend {processId} never waited for a lock.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Reads the whole global log visible to a new transaction.</summary>
    public static Task<IReadOnlyList<PersistedEvent>> ReadAllAsync(StoreDatabase db, IEventReader? reader = null) =>
        db.InTransactionAsync(transaction => (reader ?? db.Store).ReadEventsAsync(transaction, 0, PostgresEventStore.MaxReadLimit));

    /// <summary>Reads one aggregate's stream through <paramref name="reader"/> in a new transaction.</summary>
    public static Task<AggregateStream> ReadStreamAsync(StoreDatabase db, IAggregateStreamReader reader, string aggregateType, string aggregateId) =>
        db.InTransactionAsync(transaction => reader.ReadAggregateStreamAsync(transaction, aggregateType, aggregateId));

    /// <summary>Appends through <paramref name="store"/> in a new, committed transaction.</summary>
    public static Task<AppendResult> AppendAsync(StoreDatabase db, IEventStore store, ExpectedVersion expectedVersion, params Event[] events) =>
        db.InTransactionAsync(transaction => store.AppendAsync(transaction, expectedVersion, events));
}
