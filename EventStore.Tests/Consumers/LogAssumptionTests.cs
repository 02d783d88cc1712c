using EventStore.Dapper;
using EventStore.Testing;
using EventStore.Tests.Store;
using Microsoft.Extensions.Logging;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// The processor's promise rests on facts about the log that a DBA can change (docs/consumers.md, "What the argument
/// assumes"). Each test breaks one, and the processor must refuse to run, or stop, before its checkpoint passes an
/// event it did not deliver.
/// </summary>
public sealed class LogAssumptionTests
{
    private const string Sequence = "events_global_position_seq";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [TestCase($"ALTER SEQUENCE {Sequence} CACHE 20", "sequence cache", "CACHE 20", "CACHE 1")]
    [TestCase($"ALTER SEQUENCE {Sequence} CYCLE", "sequence order", "CYCLE", "NO CYCLE")]
    [TestCase($"ALTER SEQUENCE {Sequence} INCREMENT BY -1 MINVALUE -1000000", "sequence order", "INCREMENT -1", "INCREMENT BY 1")]
    [TestCase($"ALTER SEQUENCE {Sequence} SET UNLOGGED", "sequence persistence", "unlogged", "SET LOGGED")]
    [TestCase($"ALTER SEQUENCE {Sequence} OWNED BY NONE", "position sequence", "owns no sequence", "BIGSERIAL")]
    [TestCase("CREATE SEQUENCE other_positions START 1000; ALTER TABLE events ALTER COLUMN global_position SET DEFAULT nextval('other_positions')",
        "position default", "is not nextval", "SET DEFAULT nextval")]
    [TestCase("CREATE TABLE events_archive () INHERITS (events)", "table kind", "is inherited from", "ordinary table")]
    public async Task A_log_that_breaks_an_assumption_is_refused_at_start_with_the_setting_and_the_fix_and_nothing_is_delivered(
        string breakIt, string assumption, string setting, string fix)
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        await db.AppendAsync(Events("Order", NewId(), 3));
        await ExecuteAsync(db, breakIt);

        var processor = db.Start("refused", new SeenConsumer());
        var refused = await RefusalAsync(processor);

        refused.Assumption.ShouldBe(assumption);
        refused.Message.ShouldContain(setting);
        refused.Message.ShouldContain(fix);
        (await db.SeenAsync()).ShouldBeEmpty();
        ((await db.CheckpointAsync(SeenConsumer.DefaultName))?.Position ?? 0).ShouldBe(0);
        db.Log.Entries.ShouldContain(entry => entry.Level == LogLevel.Critical && entry.Message.Contains(assumption, StringComparison.Ordinal));
    }

    [Test]
    public async Task A_cache_set_while_the_processor_runs_stops_every_consumer()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        var first = await db.AppendAsync(Events("Order", NewId(), 2));
        var processor = db.Start("running", new SeenConsumer(), new SeenConsumer("audit"));
        await db.WaitUntilSeenAsync(first, Bound);
        await db.WaitUntilSeenAsync(first, Bound, "audit");

        await ExecuteAsync(db, $"ALTER SEQUENCE {Sequence} CACHE 20");
        var refused = await RefusalAsync(processor);

        refused.Assumption.ShouldBe("sequence cache");
        var afterStop = await db.AppendAsync(Events("Order", NewId(), 1));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        (await db.SeenAsync()).ShouldNotContain(row => row.EventId == afterStop[0].EventId, "a consumer kept running after the stop");
    }

    /// <summary>
    /// The lease checks the log once per TakeoverInterval, here far longer than the test. The probe reads the cache
    /// after the position on every poll, so the first reservation made with the new cache stops the processor before
    /// its frontier passes the reserved positions.
    /// </summary>
    [Test]
    public async Task A_cache_raised_between_lease_checks_stops_the_processor_before_it_passes_a_reserved_position()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        var first = await db.AppendAsync(Events("Order", NewId(), 2));
        var processor = db.Start("between-checks", db.ProcessorOptions with { TakeoverInterval = TimeSpan.FromMinutes(5) }, new SeenConsumer());
        await db.WaitUntilSeenAsync(first, Bound);

        await ExecuteAsync(db, $"ALTER SEQUENCE {Sequence} CACHE 20");
        var reserving = await db.AppendAsync(Events("Order", NewId(), 1));
        var stopped = await RefusalAsync(processor);

        stopped.Assumption.ShouldBe("sequence cache");
        var checkpoint = (await db.CheckpointAsync(SeenConsumer.DefaultName))!.Value.Position;
        checkpoint.ShouldBeLessThan(reserving[0].GlobalPosition, "the frontier passed positions a session had reserved");
    }

    /// <summary>
    /// The defect as reported: with CACHE 20, session A takes 1 (reserving 2–20) and session B takes 21. A processor
    /// that ran would pass 20, and A's next append, at 2, would never be delivered. The processor refuses instead. Once
    /// the cache is back at 1 (which makes every session drop what it reserved), everything committed arrives, 2 included.
    /// </summary>
    [Test]
    public async Task With_a_cached_sequence_the_checkpoint_never_passes_a_reserved_position_and_after_the_fix_every_event_arrives()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        await ExecuteAsync(db, $"ALTER SEQUENCE {Sequence} CACHE 20");
        await using var sessionA = await OpenUnpooledAsync(db);
        await using var sessionB = await OpenUnpooledAsync(db);
        var atOne = await AppendOnAsync(db, sessionA);
        var atTwentyOne = await AppendOnAsync(db, sessionB);

        var refused = await RefusalAsync(db.Start("with-cache", new SeenConsumer()));
        var atTwo = await AppendOnAsync(db, sessionA);

        (atOne.GlobalPosition, atTwentyOne.GlobalPosition, atTwo.GlobalPosition).ShouldBe((1L, 21L, 2L));
        refused.Assumption.ShouldBe("sequence cache");
        ((await db.CheckpointAsync(SeenConsumer.DefaultName))?.Position ?? 0).ShouldBe(0);

        await ExecuteAsync(db, $"ALTER SEQUENCE {Sequence} CACHE 1");
        db.Start("fixed", new SeenConsumer());
        var afterFix = await AppendOnAsync(db, sessionA);
        var seen = await db.WaitUntilSeenAsync([atOne, atTwo, atTwentyOne, afterFix], Bound);

        afterFix.GlobalPosition.ShouldBe(41, "the session dropped the positions it had reserved");
        seen.Select(row => row.GlobalPosition).ShouldBe([1L, 2, 21, 41]);
    }

    /// <summary>
    /// A writer that takes a position with nextval() and inserts it later holds no lock on the events table meanwhile,
    /// so the processor passes the position as a gap. When the row appears, the tripwire stops the processor.
    /// </summary>
    [Test]
    public async Task An_event_committed_in_a_gap_the_consumer_passed_stops_the_processor_naming_its_position()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        await using var foreignWriter = await db.OpenConnectionAsync();
        var taken = await ScalarAsync<long>(foreignWriter, $"SELECT nextval('{Sequence}')");
        var above = await db.AppendAsync(Events("Order", NewId(), 1));
        var processor = db.Start("tripwire", new SeenConsumer());
        await db.WaitUntilSeenAsync(above, Bound);

        await ReadTestSupport.ExecuteAsync(foreignWriter, $"""
            INSERT INTO events (global_position, aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, created_at)
            VALUES ({taken}, 'Order', 'late', 1, gen_random_uuid(), 'OrderPlaced', '\x00', now())
            """);
        var stopped = await RefusalAsync(processor);

        stopped.Assumption.ShouldBe("late event");
        stopped.Message.ShouldContain($"position {taken},");
        (await db.SeenAsync()).Select(row => row.EventId).ShouldBe([above[0].EventId]);
    }

    [Test]
    public async Task A_sequence_set_back_while_the_processor_runs_stops_it()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        var stored = await db.AppendAsync(Events("Order", NewId(), 5));
        var processor = db.Start("reset", new SeenConsumer());
        await db.WaitUntilSeenAsync(stored, Bound);

        await ExecuteAsync(db, $"SELECT setval('{Sequence}', 1)");
        var stopped = await RefusalAsync(processor);

        stopped.Assumption.ShouldBe("sequence reset");
        stopped.Message.ShouldContain("went back from 5 to 1");
    }

    [Test]
    public async Task A_checkpoint_above_the_sequence_is_refused_at_start()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        await db.AppendAsync(Events("Order", NewId(), 2));
        await ExecuteAsync(db, $"INSERT INTO consumer_checkpoints (consumer_name, global_position) VALUES ('{SeenConsumer.DefaultName}', 1000)");

        var refused = await RefusalAsync(db.Start("behind", new SeenConsumer()));

        refused.Assumption.ShouldBe("sequence reset");
        refused.Message.ShouldContain("checkpoint at 1000");
        (await db.SeenAsync()).ShouldBeEmpty();
    }

    [Test]
    public async Task A_processor_connected_to_a_standby_is_refused_with_the_fix_to_reach_the_primary()
    {
        Assume.That(PostgresBinaries.Find(), Is.Not.Null, "this test copies a local cluster into a standby, so it needs the PostgreSQL server binaries");
        await using var primary = await PostgresServer.StartAsync(new PostgresServerOptions { UseConnectionStringVariable = false, UseTestcontainers = false });
        await using (var schema = NpgsqlDataSource.Create(primary.ConnectionString).CreateCommand(MigrationEmitter.Render(EventStoreOptions.Default)))
        {
            await schema.ExecuteNonQueryAsync();
        }

        await using var standby = await primary.StartStandbyAsync();
        await using var standbySource = NpgsqlDataSource.Create(standby.ConnectionString);
        await WaitUntilReplicatedAsync(standbySource);
        using var stop = new CancellationTokenSource(Bound);

        var refused = await Should.ThrowAsync<UnsafeEventLogException>(
            () => new ConsumerProcessor(standbySource, [new SeenConsumer()]).RunAsync(stop.Token));

        refused.Assumption.ShouldBe("standby");
        refused.Message.ShouldContain("target_session_attrs=read-write");
    }

    /// <summary>
    /// The subscription's apply worker inserts the publisher's positions, never this database's sequence, so nothing
    /// here can tell when they are settled. The subscriber is refused; the publisher is where consumers run.
    /// </summary>
    [Test]
    public async Task A_processor_on_the_target_of_a_logical_replication_subscription_is_refused()
    {
        await using var publisher = await ConsumerDatabase.CreateAsync();
        await using var subscriber = await ConsumerDatabase.CreateAsync();
        await using var publisherConnection = await publisher.OpenConnectionAsync();
        var walLevel = await ScalarAsync<string>(publisherConnection, "SHOW wal_level");
        Assume.That(walLevel, Is.EqualTo("logical"), "this test subscribes one database to another, so the server needs wal_level=logical");
        var name = $"sub_{Guid.NewGuid():N}";
        await ReadTestSupport.ExecuteAsync(publisherConnection, $"CREATE PUBLICATION {name} FOR TABLE events");
        await ReadTestSupport.ExecuteAsync(publisherConnection, $"SELECT pg_create_logical_replication_slot('{name}', 'pgoutput')");
        var publisherAddress = new NpgsqlConnectionStringBuilder(publisher.Store.Database.ConnectionString);
        await ExecuteAsync(subscriber, $"""
            CREATE SUBSCRIPTION {name}
            CONNECTION 'host={publisherAddress.Host} port={publisherAddress.Port} dbname={publisherAddress.Database} user={publisherAddress.Username}'
            PUBLICATION {name} WITH (create_slot = false, slot_name = '{name}', copy_data = false)
            """);
        try
        {
            var refused = await RefusalAsync(subscriber.Start("subscriber", new SeenConsumer()));

            refused.Assumption.ShouldBe("subscription");
            refused.Message.ShouldContain("remove the events table from the subscription");
        }
        finally
        {
            await ExecuteAsync(subscriber, $"DROP SUBSCRIPTION {name}");
        }
    }

    /// <summary>
    /// A prepared transaction keeps its locks, with no backend, until COMMIT or ROLLBACK PREPARED, so it holds the
    /// frontier like any open writer: handled, not refused.
    /// </summary>
    [Test]
    public async Task A_prepared_transaction_holds_the_consumer_back_until_it_commits_and_then_its_events_come_in_order()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        await using var observer = await db.OpenConnectionAsync();
        var allowed = await ScalarAsync<string>(observer, "SHOW max_prepared_transactions");
        Assume.That(allowed, Is.Not.EqualTo("0"), "this test prepares a transaction, so the server needs max_prepared_transactions > 0");
        var before = await db.AppendAsync(Events("Order", NewId(), 1));
        db.Start("prepared", new SeenConsumer());
        await db.WaitUntilSeenAsync(before, Bound);

        var gid = $"prepared-{Guid.NewGuid():N}";
        var prepared = await PrepareAppendAsync(db, gid);
        var above = await db.AppendAsync(Events("Order", NewId(), 1));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var whilePrepared = await db.SeenAsync();
        await ReadTestSupport.ExecuteAsync(observer, $"COMMIT PREPARED '{gid}'");
        var seen = await db.WaitUntilSeenAsync([.. before, prepared, .. above], Bound);

        whilePrepared.Select(row => row.EventId).ShouldBe([before[0].EventId]);
        seen.Select(row => row.EventId).ShouldBe([before[0].EventId, prepared.EventId, above[0].EventId]);
    }

    private static async Task<UnsafeEventLogException> RefusalAsync(RunningProcessor processor)
    {
        var ended = await Task.WhenAny(processor.Run, Task.Delay(Bound));
        ended.ShouldBe(processor.Run, $"the processor kept running on a log it cannot trust; {processor.Describe()}");
        return await Should.ThrowAsync<UnsafeEventLogException>(processor.Run);
    }

    /// <summary>Appends one event and prepares its transaction for two-phase commit, leaving it to <c>COMMIT PREPARED</c>.</summary>
    private static async Task<PersistedEvent> PrepareAppendAsync(ConsumerDatabase db, string gid)
    {
        await using var session = await OpenUnpooledAsync(db);
        var transaction = await session.BeginTransactionAsync();
        var result = await db.Store.Store.AppendAsync(transaction, ExpectedVersion.Any, Events("Order", NewId(), 1));
        await ReadTestSupport.ExecuteAsync(session, $"PREPARE TRANSACTION '{gid}'", transaction);
        return result.Events[0];
    }

    private static async Task WaitUntilReplicatedAsync(NpgsqlDataSource standby)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var connection = await standby.OpenConnectionAsync();
        while (!await ScalarAsync<bool>(connection, "SELECT to_regclass('consumer_checkpoints') IS NOT NULL"))
        {
            clock.Elapsed.ShouldBeLessThan(Bound, "the standby never received the schema");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static async Task ExecuteAsync(ConsumerDatabase db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await ReadTestSupport.ExecuteAsync(connection, sql);
    }

    /// <summary>A session of its own, so the sequence values it caches stay with it until the test closes it.</summary>
    private static async Task<NpgsqlConnection> OpenUnpooledAsync(ConsumerDatabase db)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.Store.Database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<PersistedEvent> AppendOnAsync(ConsumerDatabase db, NpgsqlConnection session)
    {
        await using var transaction = await session.BeginTransactionAsync();
        var result = await db.Store.Store.AppendAsync(transaction, ExpectedVersion.Any, Events("Order", NewId(), 1));
        await transaction.CommitAsync();
        return result.Events[0];
    }
}
