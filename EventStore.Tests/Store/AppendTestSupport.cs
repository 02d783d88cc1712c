using EventStore.Tests.Core;
using Npgsql;

namespace EventStore.Tests.Store;

/// <summary>Events and direct SQL checks shared by the append, expected-version, concurrency and round-trip tests.</summary>
internal static class AppendTestSupport
{
    /// <summary>A fresh aggregate id, so tests that run in parallel in one fixture never share an aggregate.</summary>
    public static string NewAggregateId() => Guid.NewGuid().ToString();

    /// <summary><paramref name="count"/> valid events for one aggregate, each with a new id.</summary>
    public static Event[] Events(string aggregateType, string aggregateId, int count) =>
        Enumerable.Range(0, count).Select(_ => TestEvents.Valid(aggregateType, aggregateId)).ToArray();

    /// <summary>
    /// What the tables hold for one aggregate, read with plain SQL rather than through the store: its number of event
    /// rows and its head version, <see langword="null"/> when it has no head row.
    /// </summary>
    public static async Task<(long Events, long? Head)> AggregateStateAsync(StoreDatabase db, string aggregateType, string aggregateId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var events = await ScalarAsync<long>(connection,
            "SELECT count(*) FROM events WHERE aggregate_type = @type AND aggregate_id = @id", aggregateType, aggregateId);
        var head = await ScalarAsync<long?>(connection,
            "SELECT aggregate_version FROM aggregate_heads WHERE aggregate_type = @type AND aggregate_id = @id", aggregateType, aggregateId);
        return (events, head);
    }

    /// <summary>How many rows of the whole events table carry <paramref name="eventId"/>.</summary>
    public static async Task<long> CountRowsWithEventIdAsync(StoreDatabase db, Guid eventId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM events WHERE event_id = @id", connection);
        command.Parameters.AddWithValue("id", eventId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The aggregate's versions as stored, in order, read with plain SQL.</summary>
    public static async Task<List<long>> StoredVersionsAsync(StoreDatabase db, string aggregateType, string aggregateId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT aggregate_version FROM events WHERE aggregate_type = @type AND aggregate_id = @id ORDER BY aggregate_version", connection);
        command.Parameters.AddWithValue("type", aggregateType);
        command.Parameters.AddWithValue("id", aggregateId);
        var versions = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }

    /// <summary>1, 2, ..., <paramref name="count"/>: the versions of a stream without holes.</summary>
    public static List<long> Contiguous(int count) => Enumerable.Range(1, count).Select(version => (long)version).ToList();

    /// <summary>Runs one statement inside <paramref name="transaction"/>.</summary>
    public static async Task ExecuteAsync(NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The server process that runs <paramref name="transaction"/>. Behind a pooler it is not the connection's
    /// <c>ProcessID</c>, which the pooler made up, and it holds only until the transaction ends; so the transaction has
    /// begun on the server when this returns.
    /// </summary>
    public static async Task<int> ServerProcessIdAsync(NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", transaction.Connection, transaction);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, string aggregateType, string aggregateId)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("type", aggregateType);
        command.Parameters.AddWithValue("id", aggregateId);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }
}
