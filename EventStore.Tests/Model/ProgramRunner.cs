using EventStore.Dapper;
using EventStore.Tests.Store;
using Npgsql;

namespace EventStore.Tests.Model;

/// <summary>
/// Runs a program against the store: every connection on a physical connection of its own, all released at once, each
/// command in its own transaction. Aggregate ids are new for every run, so runs and shrink steps never see each other.
/// </summary>
internal static class ProgramRunner
{
    public const string AggregateType = "Model";

    public static async Task<RunHistory> RunAsync(StoreDatabase db, ConcurrentProgram program)
    {
        var run = Guid.NewGuid().ToString("N");
        var aggregateIds = Enumerable.Range(1, ProgramGenerator.Aggregates).Select(aggregate => $"model-{run}-{aggregate}").ToArray();
        var scripts = program.Connections.ToList();
        var connections = await Task.WhenAll(scripts.Select(_ => db.OpenConnectionAsync()));
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = scripts.Select((script, i) => RunScriptAsync(db.Store, connections[i], script, aggregateIds, start.Task)).ToList();
            start.SetResult();
            var attempts = (await Task.WhenAll(running)).SelectMany(attempt => attempt).ToList();
            return new RunHistory(program, attempts, await ReadStoredAsync(db, aggregateIds));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<List<Attempt>> RunScriptAsync(
        PostgresEventStore store, NpgsqlConnection connection, IReadOnlyList<AppendCommand> script, string[] aggregateIds, Task start)
    {
        await start;
        var attempts = new List<Attempt>();
        foreach (var command in script)
        {
            var events = AppendTestSupport.Events(AggregateType, aggregateIds[command.Aggregate - 1], command.EventCount);
            await using var transaction = await connection.BeginTransactionAsync();
            try
            {
                var result = await store.AppendAsync(transaction, command.Expected, events);
                await transaction.CommitAsync();
                attempts.Add(new Attempt(command, events, result, null));
            }
            catch (OptimisticConcurrencyException conflict)
            {
                attempts.Add(new Attempt(command, events, null, conflict));
            }
        }

        return attempts;
    }

    private static async Task<List<StoredEvent>> ReadStoredAsync(StoreDatabase db, string[] aggregateIds)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT aggregate_id, aggregate_version, global_position, event_id FROM events WHERE aggregate_type = @type AND aggregate_id = ANY(@ids)",
            connection);
        command.Parameters.AddWithValue("type", AggregateType);
        command.Parameters.AddWithValue("ids", aggregateIds);
        var stored = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var aggregate = Array.IndexOf(aggregateIds, reader.GetString(0)) + 1;
            stored.Add(new StoredEvent(aggregate, reader.GetInt64(1), reader.GetInt64(2), reader.GetGuid(3)));
        }

        return stored;
    }
}
