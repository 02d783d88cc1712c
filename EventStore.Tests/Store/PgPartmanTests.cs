using EventStore.Dapper;
using EventStore.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// pg_partman 4.7 taking over the maintenance of a partitioned log that the schema made, as docs/partitioning.md tells
/// an operator to hand it over: <c>create_parent</c> on the events table, the default partition dropped, and
/// <c>run_maintenance</c> from then on. The schema names and bounds partitions as pg_partman's id partitioning does, so
/// the two make the very same tables and either may run at any time. Each test needs the server's pg_partman package
/// (<see cref="TestPartman"/>).
/// </summary>
public sealed class PgPartmanTests
{
    private const string Order = "Order";
    private const long Size = 10;

    [Test]
    public async Task Pg_partman_adopts_a_log_the_schema_made_and_adds_partitions_named_and_bounded_as_the_schemas_own()
    {
        await using var log = await PartitionedLogAsync();

        var before = await PartitionsAsync(log);
        await AdoptAsync(log, premake: 4);
        var after = await PartitionsAsync(log);

        before.Select(partition => partition.Name).ShouldBe(["events_p0", "events_p10"]);
        ShouldBeContiguousAndNamedAsPgPartmanNamesThem(after, count: 5);
        after.Take(2).ShouldBe(before, "pg_partman keeps the partitions it finds");
    }

    [Test]
    public async Task Run_maintenance_makes_partitions_ahead_of_the_highest_position_appended()
    {
        await using var log = await PartitionedLogAsync();
        await AdoptAsync(log, premake: 2);
        await AppendAsync(log, NewAggregateId(), 25);   // positions 1 to 25: the last in partition 2, the last made

        await RunMaintenanceAsync(log);

        ShouldBeContiguousAndNamedAsPgPartmanNamesThem(await PartitionsAsync(log), count: 5);
    }

    [Test]
    public async Task Pg_partman_adopts_a_log_whose_partitions_it_would_make_all_exist_and_maintains_it_from_then_on()
    {
        await using var log = await PartitionedLogAsync();

        var adopted = await ScalarAsync<bool>(log, "SELECT partman.create_parent('public.events', 'global_position', 'native', '10', p_premake := 1)");
        await AppendAsync(log, NewAggregateId(), 15);
        await RunMaintenanceAsync(log);

        adopted.ShouldBeFalse("create_parent reports that it made no partition, and so no default partition either");
        (await ScalarAsync<long>(log, "SELECT count(*) FROM partman.part_config WHERE parent_table = 'public.events'")).ShouldBe(1);
        ShouldBeContiguousAndNamedAsPgPartmanNamesThem(await PartitionsAsync(log), count: 3);
    }

    [Test]
    public async Task Without_pg_partmans_default_partition_an_append_past_the_last_partition_is_still_refused_and_stores_nothing()
    {
        await using var log = await PartitionedLogAsync();
        await AdoptAsync(log, premake: 2);

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => AppendAsync(log, NewAggregateId(), 31));

        refused.Message.ShouldContain("No partition of events holds the position this append took");
        (await ScalarAsync<long>(log, "SELECT count(*) FROM events")).ShouldBe(0);
    }

    [Test]
    public async Task Appends_and_reads_go_on_across_the_partitions_pg_partman_made()
    {
        await using var log = await PartitionedLogAsync();
        await AdoptAsync(log, premake: 2);
        var id = NewAggregateId();
        await AppendAsync(log, id, 25);
        await RunMaintenanceAsync(log);

        var appended = await AppendAsync(log, id, 20);   // positions 26 to 45, past the schema's partitions and create_parent's
        var stream = await InTransactionAsync(log, transaction => log.Store.ReadAggregateStreamAsync(transaction, Order, id));
        var read = await InTransactionAsync(log, transaction => log.Store.ReadEventsAsync(transaction, 25, 100));

        appended.GlobalPositions.ShouldBe(Enumerable.Range(26, 20).Select(position => (long)position));
        (await RowsPerPartitionAsync(log)).ShouldBe([("events_p0", 9L), ("events_p10", 10L), ("events_p20", 10L), ("events_p30", 10L), ("events_p40", 6L)]);
        stream.Events.Select(e => e.AggregateVersion).ShouldBe(Enumerable.Range(1, 45).Select(version => (long)version));
        read.Select(e => e.GlobalPosition).ShouldBe(appended.GlobalPositions);
    }

    [Test]
    public async Task The_store_counts_the_partitions_pg_partman_made_as_ahead_and_a_position_at_a_multiple_of_the_size_in_the_partition_it_starts()
    {
        const string eventsTable = "partman_watched_events";
        var logger = new RecordingLogger();
        await using var log = await PartitionedLogAsync(new EventStoreOptions { EventsTable = eventsTable, MinPartitionsAhead = 3, Logger = logger });
        await AdoptAsync(log, premake: 4);
        var reported = new List<long>();
        using var listener = PartitionsAheadGauge.Listen(eventsTable, reported);

        await AppendAsync(log, NewAggregateId(), 1);    // position 1, in partition 0: partitions 1 to 4 ahead
        await AppendAsync(log, NewAggregateId(), 19);   // position 20, the first of partition 2: only 3 and 4 ahead
        await RunMaintenanceAsync(log);
        await AppendAsync(log, NewAggregateId(), 1, new PostgresEventStore(log.Options));   // position 21: a store that learns afresh sees 3 to 6 ahead

        reported.ShouldBe([4L, 2L, 4L]);
        var warnings = logger.Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message).ToList();
        warnings.Count.ShouldBe(1);
        warnings[0].ShouldContain($"Only 2 partitions of {eventsTable} remain beyond the one holding position 20, fewer than the 3 configured");
    }

    [Test]
    public async Task When_the_store_makes_partitions_before_pg_partman_adopts_the_log_the_two_make_one_contiguous_set()
    {
        await using var log = await PartitionedLogAsync();
        await AppendAsync(log, NewAggregateId(), 15);

        var madeByStore = await CreatePartitionsAsync(log, 3);   // the one holding position 16, partition 1, and three more
        await AdoptAsync(log, premake: 4);                       // from the highest position, 15: partitions 1 to 5
        await RunMaintenanceAsync(log);

        madeByStore.ShouldBe(3);
        ShouldBeContiguousAndNamedAsPgPartmanNamesThem(await PartitionsAsync(log), count: 6);
    }

    [Test]
    public async Task When_pg_partman_makes_partitions_before_the_store_the_two_make_one_contiguous_set()
    {
        await using var log = await PartitionedLogAsync();
        await AdoptAsync(log, premake: 4);                       // partitions 0 to 4

        var madeByStore = await CreatePartitionsAsync(log, 6);  // partitions 0 to 6, of which 5 and 6 are missing
        await AppendAsync(log, NewAggregateId(), 65);            // positions 1 to 65, the last in partition 6
        await RunMaintenanceAsync(log);                          // partitions 7 to 10
        var madeByStoreAgain = await CreatePartitionsAsync(log, 2);

        madeByStore.ShouldBe(2);
        madeByStoreAgain.ShouldBe(0);
        ShouldBeContiguousAndNamedAsPgPartmanNamesThem(await PartitionsAsync(log), count: 11);
    }

    [Test]
    public async Task For_an_events_table_name_too_long_for_the_suffix_the_schema_cuts_partition_names_as_pg_partman_does()
    {
        const string eventsTable = "events_of_the_order_fulfilment_service_kept_for_years_0";
        const long size = 10_000_000_000;
        await using var log = await PartitionedLogAsync(new EventStoreOptions { EventsTable = eventsTable, PartitionSize = size });
        await AdoptAsync(log, premake: 3);

        var partitions = await PartitionsAsync(log);

        partitions.Select(partition => (partition.From, partition.To)).ShouldBe(Enumerable.Range(0, 4).Select(k => (k * size, (k + 1) * size)));
        partitions.ShouldAllBe(partition => partition.Name == partition.PartmanName);
        partitions[1].Name.ShouldBe("events_of_the_order_fulfilment_service_kept_for_ye_p10000000000");
    }

    /// <summary>A database with the partitioned schema for <paramref name="options"/>, in partitions of <see cref="Size"/> unless they say otherwise, and pg_partman.</summary>
    private static async Task<PartmanLog> PartitionedLogAsync(EventStoreOptions? options = null)
    {
        options ??= new EventStoreOptions();
        if (options.PartitionSize is null)
        {
            options = options with { PartitionSize = Size };
        }

        var database = await TestServer.CreateDatabaseAsync();
        try
        {
            await TestPartman.InstallAsync(database);
            await ExecuteAsync(database, MigrationEmitter.Render(options));
            return new PartmanLog(database, options, new PostgresEventStore(options));
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// What docs/partitioning.md tells an operator to run to hand the log's partitions over to pg_partman. create_parent
    /// makes a default partition only when it makes a partition at all; where it is, it is dropped.
    /// </summary>
    private static Task AdoptAsync(PartmanLog log, int premake) =>
        ExecuteAsync(log.Database, $"""
            SELECT partman.create_parent('public.{log.Options.EventsTable}', 'global_position', 'native', '{log.Options.PartitionSize}', p_premake := {premake});
            DROP TABLE IF EXISTS public.{log.Options.EventsTable}_default;
            """);

    private static Task RunMaintenanceAsync(PartmanLog log) =>
        ExecuteAsync(log.Database, $"SELECT partman.run_maintenance('public.{log.Options.EventsTable}')");

    private static void ShouldBeContiguousAndNamedAsPgPartmanNamesThem(List<CatalogPartition> partitions, int count)
    {
        partitions.Select(partition => (partition.From, partition.To)).ShouldBe(Enumerable.Range(0, count).Select(k => (k * Size, (k + 1) * Size)));
        partitions.ShouldAllBe(partition => partition.Name == partition.PartmanName);
        partitions.Select(partition => partition.Name).ShouldBe(Enumerable.Range(0, count).Select(k => $"events_p{k * Size}"));
    }

    /// <summary>Every partition of the events table, by its lower bound, with the name pg_partman gives a partition starting there.</summary>
    private static async Task<List<CatalogPartition>> PartitionsAsync(PartmanLog log)
    {
        await using var connection = await log.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("""
            SELECT c.relname::text, bounds.lower, bounds.upper, partman.check_name_length(@table, bounds.lower::text, true)
            FROM pg_inherits AS i
            JOIN pg_class AS c ON c.oid = i.inhrelid
            CROSS JOIN LATERAL (SELECT substring(pg_get_expr(c.relpartbound, c.oid) FROM $$FROM \('?(-?[0-9]+)'?\)$$)::bigint AS lower,
                                       substring(pg_get_expr(c.relpartbound, c.oid) FROM $$ TO \('?(-?[0-9]+)'?\)$$)::bigint AS upper) AS bounds
            WHERE i.inhparent = @table::regclass
            ORDER BY bounds.lower
            """, connection);
        command.Parameters.AddWithValue("table", log.Options.EventsTable);
        await using var reader = await command.ExecuteReaderAsync();
        var partitions = new List<CatalogPartition>();
        while (await reader.ReadAsync())
        {
            partitions.Add(new CatalogPartition(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return partitions;
    }

    private static async Task<List<(string Partition, long Rows)>> RowsPerPartitionAsync(PartmanLog log)
    {
        await using var connection = await log.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT tableoid::regclass::text, count(*) FROM {log.Options.EventsTable} GROUP BY tableoid ORDER BY min(global_position)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    private static Task<AppendResult> AppendAsync(PartmanLog log, string id, int count, PostgresEventStore? store = null) =>
        InTransactionAsync(log, transaction => (store ?? log.Store).AppendAsync(transaction, ExpectedVersion.Any, Events(Order, id, count)));

    private static Task<int> CreatePartitionsAsync(PartmanLog log, int ahead) =>
        InTransactionAsync(log, transaction => log.Store.CreatePartitionsAsync(transaction, ahead));

    private static async Task<T> InTransactionAsync<T>(PartmanLog log, Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var connection = await log.Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await work(transaction);
        await transaction.CommitAsync();
        return result;
    }

    private static async Task<T> ScalarAsync<T>(PartmanLog log, string sql)
    {
        await using var connection = await log.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(TemporaryDatabase database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
