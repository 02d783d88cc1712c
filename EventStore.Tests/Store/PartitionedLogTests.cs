using EventStore.Dapper;
using EventStore.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// What only a partitioned log has: event ids and stream versions kept unique across partitions by the key table,
/// stream reads that touch only the partitions holding the stream, and partitions that must exist ahead of the
/// sequence. The store's contract fixtures also run on a partitioned log (<see cref="LogSchema.Partitioned"/>).
/// </summary>
public sealed class PartitionedLogTests
{
    private const string Order = "Order";

    [Test]
    public async Task A_stream_read_executes_only_the_partitions_that_hold_the_streams_events()
    {
        await using var db = await StoreDatabase.CreateAsync(schema: LogSchema.Partitioned);
        var id = NewAggregateId();
        for (var round = 0; round < 3; round++)
        {
            await db.AppendAsync(ExpectedVersion.Any, Events(Order, id, 1));
            await db.AppendAsync(ExpectedVersion.Any, Events(Order, NewAggregateId(), (int)StoreDatabase.TestPartitionSize + 10));
        }

        var plan = await ExplainStreamReadAsync(db, id);

        var executed = plan.Where(line => line.Contains(" on events_p", StringComparison.Ordinal) && !line.Contains("never executed", StringComparison.Ordinal)).ToList();
        executed.Count.ShouldBe(3, string.Join(Environment.NewLine, plan));
        (await db.ReadStreamAsync(Order, id)).Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2L, 3L]);
    }

    [Test]
    public async Task An_event_id_stored_in_an_earlier_partition_is_still_recognised_as_a_retry_or_a_duplicate()
    {
        await using var db = await StoreDatabase.CreateAsync(schema: LogSchema.Partitioned);
        var id = NewAggregateId();
        var events = Events(Order, id, 2);
        var original = await db.AppendAsync(ExpectedVersion.NoStream, events);
        await db.AppendAsync(ExpectedVersion.Any, Events(Order, NewAggregateId(), (int)StoreDatabase.TestPartitionSize * 2));

        var retried = await db.AppendAsync(ExpectedVersion.NoStream, events);
        var elsewhere = events[0] with { AggregateId = NewAggregateId() };
        var duplicate = await Should.ThrowAsync<DuplicateEventException>(() => db.AppendAsync(ExpectedVersion.NoStream, elsewhere));

        retried.GlobalPositions.ShouldBe(original.GlobalPositions);
        duplicate.EventId.ShouldBe(events[0].EventId);
        (await AggregateStateAsync(db, Order, elsewhere.AggregateId)).ShouldBe((0L, (long?)null));
    }

    [Test]
    public async Task An_append_beyond_the_last_partition_is_refused_with_the_command_that_makes_more_and_stores_nothing()
    {
        var options = new EventStoreOptions { PartitionSize = 10 };
        await using var database = await TestServer.CreateDatabaseAsync();
        await ExecuteAsync(database, MigrationEmitter.Render(options));
        var store = new PostgresEventStore(options);
        var id = NewAggregateId();
        await using var connection = await database.OpenConnectionAsync();

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => AppendAsync(store, connection, id));
        int made;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            made = await store.CreatePartitionsAsync(transaction, 4);
            await transaction.CommitAsync();
        }

        var appended = await AppendAsync(store, connection, id);

        refused.Message.ShouldContain("No partition of events holds the position this append took");
        refused.Message.ShouldContain("SELECT \"events_create_partitions\"(4)");
        made.ShouldBeGreaterThan(0);
        appended.Events.Select(e => e.AggregateVersion).ShouldBe(Enumerable.Range(1, 25).Select(version => (long)version));
    }

    [Test]
    public async Task An_append_that_runs_out_of_partitions_after_others_names_the_partition_it_needed()
    {
        var options = new EventStoreOptions { PartitionSize = 10 };
        await using var database = await TestServer.CreateDatabaseAsync();
        await ExecuteAsync(database, MigrationEmitter.Render(options));
        var store = new PostgresEventStore(options);
        await using var connection = await database.OpenConnectionAsync();
        await AppendAsync(store, connection, 5); // positions 1 to 5; the schema made the partitions for 0 to 19

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => AppendAsync(store, connection, 20));

        refused.Message.ShouldContain("it needed the partition from position 20, the next after the last one made");
        refused.Message.ShouldNotContain("redacted");
    }

    [Test]
    public async Task When_fewer_partitions_than_configured_remain_ahead_the_store_warns_once_and_reports_the_count()
    {
        var logger = new RecordingLogger();
        var options = new EventStoreOptions { PartitionSize = 10, MinPartitionsAhead = 1, EventsTable = "watched_events", Logger = logger };
        await using var database = await TestServer.CreateDatabaseAsync();
        await ExecuteAsync(database, MigrationEmitter.Render(options));
        var store = new PostgresEventStore(options);
        var reported = new List<long>();
        using var listener = PartitionsAheadGauge.Listen("watched_events", reported);
        await using var connection = await database.OpenConnectionAsync();

        await AppendAsync(store, connection, 1);   // position 1, in partition 0: partition 1 is still ahead
        await AppendAsync(store, connection, 12);  // position 13, in partition 1, the last: none ahead
        await AppendAsync(store, connection, 1);   // still none ahead, but reported a moment ago
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await store.CreatePartitionsAsync(transaction, 3);
            await transaction.CommitAsync();
        }

        await AppendAsync(store, connection, 1);   // position 15: partitions 2 to 4 ahead

        reported.ShouldBe([1L, 0L, 3L]);
        var warnings = logger.Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message).ToList();
        warnings.Count.ShouldBe(1);
        warnings[0].ShouldContain("Only 0 partitions of watched_events remain beyond the one holding position 13, fewer than the 1 configured");
    }

    [Test]
    public async Task Making_or_archiving_partitions_of_a_plain_log_is_refused_with_the_option_that_partitions_it()
    {
        await using var db = await StoreDatabase.CreateAsync();
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        var making = await Should.ThrowAsync<InvalidOperationException>(() => db.Store.CreatePartitionsAsync(transaction, 2));
        var archiving = await Should.ThrowAsync<InvalidOperationException>(() => db.Store.ArchivePartitionsAsync(transaction, 100));

        making.Message.ShouldContain("EventStoreOptions.PartitionSize is not set, so there are no partitions to make");
        archiving.Message.ShouldContain("EventStoreOptions.PartitionSize is not set, so there are no partitions to archive");
    }

    private static async Task<AppendResult> AppendAsync(PostgresEventStore store, NpgsqlConnection connection, string id)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(Order, id, 25));
        await transaction.CommitAsync();
        return result;
    }

    private static async Task AppendAsync(PostgresEventStore store, NpgsqlConnection connection, int count)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await store.AppendAsync(transaction, ExpectedVersion.Any, Events(Order, NewAggregateId(), count));
        await transaction.CommitAsync();
    }

    private static async Task<List<string>> ExplainStreamReadAsync(StoreDatabase db, string id)
    {
        var dialect = new SqlDialect(db.Options);
        await using var connection = await db.OpenConnectionAsync();
        await using (var generic = new NpgsqlCommand("SET plan_cache_mode = force_generic_plan", connection))
        {
            await generic.ExecuteNonQueryAsync();
        }

        await using (var prepare = new NpgsqlCommand($"PREPARE stream_read(text, text) AS {dialect.StreamRead.WholeSql}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand($"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE stream_read('{Order}', '{id}')", connection);
        await using var reader = await explain.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    private static async Task ExecuteAsync(TemporaryDatabase database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
