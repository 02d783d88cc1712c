using EventStore.Dapper;
using EventStore.Tests.Core;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// Configured table names, end to end. Each configuration gets a database of its own with the schema rendered for
/// it; tests run once per configuration, named by its events table.
/// </summary>
public sealed class TableNameTests
{
    private const string LongEventsTable = "event_log_named_with_exactly_sixty_three_bytes_for_the_limit_xx";
    private const string LongHeadsTable = "aggregate_heads_named_with_exactly_sixty_three_bytes_to_the_end";

    private static readonly EventStoreOptions[] Configurations =
    [
        new() { EventsTable = "es_events", AggregateHeadsTable = "es_heads" },
        new() { EventsTable = "eventstore.events", AggregateHeadsTable = "eventstore.heads" },
        new() { EventsTable = "es_log.events", AggregateHeadsTable = "es_state.heads" },
        new() { EventsTable = "OrderEvents", AggregateHeadsTable = "OrderHeads" },
        new() { EventsTable = LongEventsTable, AggregateHeadsTable = LongHeadsTable },
    ];

    private static readonly Dictionary<string, Func<EventStoreOptions, object>> EntryPoints = new()
    {
        ["SqlDialect"] = options => new SqlDialect(options),
        ["PostgresEventStore"] = options => new PostgresEventStore(options),
        ["MigrationEmitter.Render"] = MigrationEmitter.Render,
    };

    private readonly Dictionary<string, StoreDatabase> _databases = new(StringComparer.Ordinal);

    public static IEnumerable<string> ConfiguredEventsTables => Configurations.Select(options => options.EventsTable);

    public static IEnumerable<string> EntryPointNames => EntryPoints.Keys;

    public static IEnumerable<string> InvalidTableNames =>
    [
        "ev\"ents",
        "ev'ents",
        "events;",
        "my events",
        " events",
        "events-log",
        "évents",
        "1events",
        "es_log.1events",
        new string('e', 64),
        "a.b.c",
        ".events",
        "events.",
        "bad schema.events",
        "events; DROP TABLE x",
        "events\"; DROP TABLE x; --",
    ];

    [OneTimeSetUp]
    public async Task CreateDatabases()
    {
        foreach (var options in Configurations)
        {
            _databases[options.EventsTable] = await StoreDatabase.CreateAsync(options);
        }
    }

    [OneTimeTearDown]
    public async Task DropDatabases()
    {
        foreach (var database in _databases.Values)
        {
            await database.DisposeAsync();
        }
    }

    [TestCaseSource(nameof(ConfiguredEventsTables))]
    public async Task The_schema_creates_the_configured_tables_and_not_the_default_ones(string eventsTable)
    {
        var db = _databases[eventsTable];
        await using var connection = await db.OpenConnectionAsync();

        (await RelationExistsAsync(connection, Quoted(db.Options.EventsTable))).ShouldBeTrue();
        (await RelationExistsAsync(connection, Quoted(db.Options.AggregateHeadsTable))).ShouldBeTrue();
        (await RelationExistsAsync(connection, "public.events")).ShouldBeFalse();
        (await RelationExistsAsync(connection, "public.aggregate_heads")).ShouldBeFalse();
    }

    [TestCaseSource(nameof(ConfiguredEventsTables))]
    public async Task Appends_and_reads_use_the_configured_tables(string eventsTable)
    {
        var db = _databases[eventsTable];
        var id = NewId();

        await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", id, 2));
        var last = await db.AppendAsync(ExpectedVersion.Exact(2), Events("Order", id, 1));

        var stream = await db.ReadStreamAsync("Order", id);
        stream.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2, 3]);
        var log = await ReadAllAsync(db);
        log.Where(e => e.AggregateId == id).Select(e => e.GlobalPosition).ShouldBe(stream.Events.Select(e => e.GlobalPosition));
        (await db.InTransactionAsync(transaction => db.Store.GetLatestGlobalPositionAsync(transaction)))
            .ShouldBeGreaterThanOrEqualTo(last.GlobalPositions[0]);
        await using var connection = await db.OpenConnectionAsync();
        (await ScalarAsync<long>(connection, $"SELECT count(*) FROM {Quoted(db.Options.EventsTable)} WHERE aggregate_id = @id", ("id", id)))
            .ShouldBe(3);
        (await ScalarAsync<long>(connection, $"SELECT aggregate_version FROM {Quoted(db.Options.AggregateHeadsTable)} WHERE aggregate_id = @id", ("id", id)))
            .ShouldBe(3);
    }

    [TestCaseSource(nameof(ConfiguredEventsTables))]
    public async Task An_exact_version_conflict_is_detected(string eventsTable)
    {
        var db = _databases[eventsTable];
        var id = NewId();
        await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", id, 2));

        var conflict = await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => db.AppendAsync(ExpectedVersion.Exact(1), Events("Order", id, 1)));
        await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => db.AppendAsync(ExpectedVersion.NoStream, Events("Order", id, 1)));

        conflict.ActualVersion.ShouldBe(2);
        (await db.ReadStreamAsync("Order", id)).Version.ShouldBe(2);
    }

    [TestCaseSource(nameof(ConfiguredEventsTables))]
    public async Task A_stored_event_id_is_detected_as_a_duplicate(string eventsTable)
    {
        var db = _databases[eventsTable];
        var original = TestEvents.Valid("Order", NewId());
        await db.AppendAsync(ExpectedVersion.NoStream, original);

        var duplicate = await Should.ThrowAsync<DuplicateEventException>(
            () => db.AppendAsync(ExpectedVersion.NoStream, original with { AggregateId = NewId() }));

        duplicate.EventId.ShouldBe(original.EventId);
    }

    /// <summary>
    /// Only the unique constraint can catch an id that a concurrent transaction stores, and the store recognises it by
    /// the constraint name it derives from the table name.
    /// </summary>
    [TestCaseSource(nameof(ConfiguredEventsTables))]
    public async Task A_duplicate_stored_by_a_concurrent_transaction_is_recognised_by_the_derived_constraint_name(string eventsTable)
    {
        var db = _databases[eventsTable];
        var shared = TestEvents.Valid("Order", NewId());
        await using var observer = await db.OpenConnectionAsync();
        await using var firstConnection = await db.OpenConnectionAsync();
        await using var first = await firstConnection.BeginTransactionAsync();
        await db.Store.AppendAsync(first, ExpectedVersion.NoStream, [shared]);
        await using var secondConnection = await db.OpenConnectionAsync();
        await using var second = await secondConnection.BeginTransactionAsync();

        var racing = db.Store.AppendAsync(second, ExpectedVersion.NoStream, [shared with { AggregateId = NewId() }]);
        await WaitUntilBlockedAsync(observer, secondConnection.ProcessID);
        await first.CommitAsync();

        var duplicate = await Should.ThrowAsync<DuplicateEventException>(() => racing);
        duplicate.EventId.ShouldBe(shared.EventId);
        duplicate.InnerException.ShouldBeOfType<PostgresException>()
            .ConstraintName.ShouldBe(new SqlDialect(db.Options).EventIdConstraint);
    }

    /// <summary>
    /// An event row without a matching head (written by another tool, say) makes the version insert clash; the unique
    /// constraint on the version is the last guard, and the store recognises it by its derived name.
    /// </summary>
    [TestCaseSource(nameof(ConfiguredEventsTables))]
    public async Task A_version_clash_caught_by_the_derived_version_constraint_is_a_concurrency_conflict(string eventsTable)
    {
        var db = _databases[eventsTable];
        var id = NewId();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, $"""
                INSERT INTO {Quoted(db.Options.EventsTable)}
                    (aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, created_at)
                VALUES ('Order', '{id}', 1, gen_random_uuid(), 'WrittenElsewhere', '\x00', now())
                """);
        }

        var conflict = await Should.ThrowAsync<OptimisticConcurrencyException>(
            () => db.AppendAsync(ExpectedVersion.NoStream, Events("Order", id, 1)));

        conflict.InnerException.ShouldBeOfType<PostgresException>()
            .ConstraintName.ShouldBe(new SqlDialect(db.Options).AggregateVersionConstraint);
    }

    [TestCaseSource(nameof(ConfiguredEventsTables))]
    public async Task The_constraint_names_the_store_expects_are_the_ones_in_the_database(string eventsTable)
    {
        var db = _databases[eventsTable];
        var dialect = new SqlDialect(db.Options);
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT conname::text FROM pg_constraint WHERE conrelid = to_regclass(@table)", connection);
        command.Parameters.AddWithValue("table", Quoted(db.Options.EventsTable));
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        names.ShouldContain(dialect.EventIdConstraint);
        names.ShouldContain(dialect.AggregateVersionConstraint);
        names.ShouldAllBe(name => name.Length <= 63);
    }

    [Test]
    public void The_default_options_name_the_tables_events_and_aggregate_heads_and_send_no_notification_and_log_nothing()
    {
        var options = EventStoreOptions.Default;

        options.EventsTable.ShouldBe("events");
        options.AggregateHeadsTable.ShouldBe("aggregate_heads");
        options.NotifyChannel.ShouldBeNull();
        options.Logger.ShouldBeNull();
    }

    [Test]
    public async Task Two_stores_with_different_tables_in_one_database_do_not_see_each_others_events()
    {
        await using var db = await StoreDatabase.CreateAsync();
        var otherOptions = new EventStoreOptions { EventsTable = "other_events", AggregateHeadsTable = "other_heads" };
        await using (var connection = await db.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, MigrationEmitter.Render(otherOptions));
        }

        var other = new PostgresEventStore(otherOptions);
        var mine = await db.AppendAsync(ExpectedVersion.NoStream, Events("Order", "o-1", 2));
        var theirs = await AppendAsync(db, other, ExpectedVersion.NoStream, Events("Order", "o-1", 1));

        (theirs.FromVersion, theirs.ToVersion).ShouldBe((0L, 1L), "the other store keeps heads of its own");
        theirs.GlobalPositions[0].ShouldBe(1, "the other store's log has a sequence of its own");
        (await db.ReadStreamAsync("Order", "o-1")).Events.Select(e => e.EventId).ShouldBe(mine.Events.Select(e => e.EventId));
        (await ReadStreamAsync(db, other, "Order", "o-1")).Events.Select(e => e.EventId).ShouldBe(theirs.Events.Select(e => e.EventId));
        (await ReadAllAsync(db)).Select(e => e.EventId).ShouldBe(mine.Events.Select(e => e.EventId));
        (await ReadAllAsync(db, other)).Select(e => e.EventId).ShouldBe(theirs.Events.Select(e => e.EventId));
        (await db.InTransactionAsync(transaction => other.GetLatestGlobalPositionAsync(transaction))).ShouldBe(1);
    }

    [Test]
    public void An_invalid_table_name_is_rejected_with_a_message_that_names_it(
        [ValueSource(nameof(InvalidTableNames))] string name,
        [Values("EventsTable", "AggregateHeadsTable")] string setting,
        [ValueSource(nameof(EntryPointNames))] string entryPoint)
    {
        var options = setting == "EventsTable"
            ? new EventStoreOptions { EventsTable = name }
            : new EventStoreOptions { AggregateHeadsTable = name };

        var error = Should.Throw<ArgumentException>(() => EntryPoints[entryPoint](options));

        error.ParamName.ShouldBe(setting);
        error.Message.ShouldContain($"'{name}'");
    }

    [Test]
    public void An_empty_or_missing_table_name_is_rejected_naming_the_setting(
        [Values("", null)] string? name,
        [Values("EventsTable", "AggregateHeadsTable")] string setting,
        [ValueSource(nameof(EntryPointNames))] string entryPoint)
    {
        var options = setting == "EventsTable"
            ? new EventStoreOptions { EventsTable = name! }
            : new EventStoreOptions { AggregateHeadsTable = name! };

        var error = Should.Throw<ArgumentException>(() => EntryPoints[entryPoint](options));

        error.ParamName.ShouldBe(setting);
        error.Message.ShouldContain(setting);
    }

    [Test]
    public void The_same_table_for_events_and_heads_is_rejected(
        [Values("events", "eventstore.log")] string table,
        [ValueSource(nameof(EntryPointNames))] string entryPoint)
    {
        var options = new EventStoreOptions { EventsTable = table, AggregateHeadsTable = table };

        var error = Should.Throw<ArgumentException>(() => EntryPoints[entryPoint](options));

        error.Message.ShouldContain($"'{table}'");
    }

    [Test]
    public void A_heads_table_named_like_an_index_of_the_events_table_is_rejected(
        [ValueSource(nameof(EntryPointNames))] string entryPoint)
    {
        var options = new EventStoreOptions { EventsTable = "events", AggregateHeadsTable = "events_pkey" };

        var error = Should.Throw<ArgumentException>(() => EntryPoints[entryPoint](options));

        error.Message.ShouldContain("'events_pkey'");
        error.Message.ShouldContain("the events primary key");
    }

    [Test]
    public void An_invalid_notify_channel_is_rejected_with_a_message_that_names_it(
        [Values("", "my channel", "chan;nel", "1channel", "a.b", "chan\"nel")] string channel,
        [ValueSource(nameof(EntryPointNames))] string entryPoint)
    {
        var options = new EventStoreOptions { NotifyChannel = channel };

        var error = Should.Throw<ArgumentException>(() => EntryPoints[entryPoint](options));

        error.ParamName.ShouldBe("NotifyChannel");
        error.Message.ShouldContain($"'{channel}'");
    }

    [Test]
    public void A_notify_channel_longer_than_63_bytes_is_rejected()
    {
        var channel = new string('c', 64);

        Should.Throw<ArgumentException>(() => new SqlDialect(new EventStoreOptions { NotifyChannel = channel }))
            .ParamName.ShouldBe("NotifyChannel");
        Should.NotThrow(() => new SqlDialect(new EventStoreOptions { NotifyChannel = channel[..63] }));
    }

    [Test]
    public void Plain_identifiers_up_to_63_bytes_per_part_are_accepted(
        [Values("_events", "Events2", LongEventsTable, LongHeadsTable + "." + LongEventsTable)] string name,
        [ValueSource(nameof(EntryPointNames))] string entryPoint)
    {
        Should.NotThrow(() => EntryPoints[entryPoint](new EventStoreOptions { EventsTable = name }));
    }

    [Test]
    public void Constraint_names_derived_from_a_63_byte_table_name_are_cut_to_63_bytes_with_a_hash_and_keep_their_suffix()
    {
        var dialect = new SqlDialect(new EventStoreOptions { EventsTable = LongEventsTable, AggregateHeadsTable = LongHeadsTable });

        dialect.EventIdConstraint.Length.ShouldBe(63);
        dialect.EventIdConstraint.ShouldEndWith("_event_id_key");
        dialect.EventIdConstraint.ShouldStartWith(LongEventsTable[..30]);
        dialect.EventIdConstraint.ShouldMatch("_[0-9a-f]{8}_event_id_key$");
        dialect.AggregateVersionConstraint.Length.ShouldBe(63);
        dialect.AggregateVersionConstraint.ShouldEndWith("_aggregate_version_key");
        dialect.Schema.ShouldContain($"\"{dialect.EventIdConstraint}\" UNIQUE (event_id)");
    }

    [Test]
    public void Constraint_names_derived_from_short_table_names_are_the_table_name_and_a_suffix()
    {
        var dialect = new SqlDialect(new EventStoreOptions { EventsTable = "eventstore.es_events", AggregateHeadsTable = "es_heads" });

        dialect.EventIdConstraint.ShouldBe("es_events_event_id_key");
        dialect.AggregateVersionConstraint.ShouldBe("es_events_aggregate_version_key");
    }

    /// <summary>
    /// Cutting derived names to 63 bytes must not make two of them equal: both tables' primary keys are indexes in
    /// one schema, so equal names make the rendered schema fail to apply although the options were accepted.
    /// </summary>
    [Test]
    public async Task Long_events_and_heads_names_that_share_a_prefix_still_give_a_schema_that_applies()
    {
        var prefix = new string('t', 58);
        var options = new EventStoreOptions { EventsTable = prefix + "_evts", AggregateHeadsTable = prefix + "_head" };
        var schema = MigrationEmitter.Render(options);
        await using var database = await TestServer.CreateDatabaseAsync();
        await using var connection = await database.OpenConnectionAsync();

        await Should.NotThrowAsync(() => ExecuteAsync(connection, schema));
    }

    private static string Quoted(string table) => string.Join('.', table.Split('.').Select(part => $"\"{part}\""));

    private static Task<bool> RelationExistsAsync(NpgsqlConnection connection, string name) =>
        ScalarAsync<bool>(connection, "SELECT to_regclass(@name) IS NOT NULL", ("name", name));
}
