using System.Globalization;
using System.Text;
using EventStore.Dapper;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Store;

/// <summary>The rendered schema, pinned by a golden file, and the migration file that carries it.</summary>
public sealed class SqlDialectTests
{
    private const string GoldenFile = "Golden/default-schema.sql";

    private static readonly EventStoreOptions Qualified = new() { EventsTable = "eventstore.events", AggregateHeadsTable = "eventstore.heads" };

    private string _root = null!;

    public static IEnumerable<EventStoreOptions> SchemaOptions => [EventStoreOptions.Default, Qualified];

    [OneTimeSetUp]
    public void CreateRoot() => _root = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), $"eventstore-tests-{Guid.NewGuid():N}")).FullName;

    [OneTimeTearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public void The_default_schema_matches_the_golden_file()
    {
        var goldenPath = Path.Combine(TestContext.CurrentContext.TestDirectory, GoldenFile);
        // Compare lines, not line endings, so a checkout with CRLF neither breaks nor hides a change.
        var expected = NormalizeNewlines(File.ReadAllText(goldenPath));
        var actual = NormalizeNewlines(MigrationEmitter.Render(EventStoreOptions.Default));

        if (actual != expected)
        {
            var actualPath = Path.Combine(TestContext.CurrentContext.WorkDirectory, "default-schema.actual.sql");
            File.WriteAllText(actualPath, actual);
            actual.ShouldBe(expected,
                $"MigrationEmitter.Render(EventStoreOptions.Default) no longer matches EventStore.Tests/{GoldenFile}. " +
                "A changed schema needs a new migration for existing databases. If the change is intended, review the new DDL " +
                $"and copy it over the golden file: cp \"{actualPath}\" EventStore.Tests/{GoldenFile}");
        }
    }

    [Test]
    public void The_migration_emitter_renders_the_schema_the_store_dialect_assumes()
    {
        var options = new EventStoreOptions { EventsTable = "eventstore.es_events", AggregateHeadsTable = "es_heads", NotifyChannel = "appended" };

        MigrationEmitter.Render(options).ShouldBe(new SqlDialect(options).Schema);
    }

    [Test]
    public void A_schema_qualified_schema_creates_its_schemas_once_before_the_tables()
    {
        var sameSchema = MigrationEmitter.Render(Qualified);
        var twoSchemas = MigrationEmitter.Render(new EventStoreOptions { EventsTable = "log.events", AggregateHeadsTable = "state.heads" });

        CountOf(sameSchema, "CREATE SCHEMA IF NOT EXISTS \"eventstore\";").ShouldBe(1);
        sameSchema.IndexOf("CREATE SCHEMA", StringComparison.Ordinal)
            .ShouldBeLessThan(sameSchema.IndexOf("CREATE TABLE", StringComparison.Ordinal));
        twoSchemas.ShouldContain("CREATE SCHEMA IF NOT EXISTS \"log\";");
        twoSchemas.ShouldContain("CREATE SCHEMA IF NOT EXISTS \"state\";");
        MigrationEmitter.Render(EventStoreOptions.Default).ShouldNotContain("CREATE SCHEMA");
    }

    [TestCaseSource(nameof(SchemaOptions))]
    public async Task Applying_the_schema_twice_succeeds_and_leaves_a_working_store(EventStoreOptions options)
    {
        var schema = MigrationEmitter.Render(options);
        await using var database = await TestServer.CreateDatabaseAsync();
        await using (var connection = await database.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, schema);
            await Should.NotThrowAsync(() => ExecuteAsync(connection, schema));
        }

        var store = new PostgresEventStore(options);
        await using (var connection = await database.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var appended = await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Order", "o-1", 2));
            var stream = await store.ReadAggregateStreamAsync(transaction, "Order", "o-1");

            stream.Events.Select(e => e.EventId).ShouldBe(appended.Events.Select(e => e.EventId));
        }
    }

    [Test]
    public void Write_creates_the_folder_and_names_the_file_after_the_UTC_time()
    {
        var folder = Path.Combine(NewFolder(), "migrations", "event-store");
        var before = TruncateToSeconds(DateTime.UtcNow);

        var path = MigrationEmitter.Write(EventStoreOptions.Default, folder);

        var after = DateTime.UtcNow;
        Directory.Exists(folder).ShouldBeTrue();
        Path.GetDirectoryName(path).ShouldBe(folder);
        var fileName = Path.GetFileName(path);
        fileName.ShouldMatch(@"^\d{14}_init_event_sourcing\.sql$");
        var stamped = DateTime.ParseExact(fileName[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        stamped.ShouldBeInRange(before, after);
        Directory.GetFiles(folder).ShouldBe([path]);
    }

    [Test]
    public void Write_writes_exactly_the_rendered_schema_as_UTF8_without_a_byte_order_mark()
    {
        var folder = NewFolder();

        var path = MigrationEmitter.Write(Qualified, folder);

        File.ReadAllBytes(path).ShouldBe(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(MigrationEmitter.Render(Qualified)));
    }

    [Test]
    public void Write_uses_an_explicit_file_name_as_given()
    {
        var folder = NewFolder();

        var path = MigrationEmitter.Write(EventStoreOptions.Default, folder, "V1__event_store.sql");

        path.ShouldBe(Path.Combine(folder, "V1__event_store.sql"));
        Directory.GetFiles(folder).ShouldBe([path]);
        File.ReadAllText(path).ShouldBe(MigrationEmitter.Render(EventStoreOptions.Default));
    }

    [Test]
    public void Write_refuses_to_overwrite_an_existing_migration()
    {
        var folder = NewFolder();
        var existing = Path.Combine(folder, "V1__event_store.sql");
        File.WriteAllText(existing, "-- already applied somewhere");

        Should.Throw<IOException>(() => MigrationEmitter.Write(EventStoreOptions.Default, folder, "V1__event_store.sql"));

        File.ReadAllText(existing).ShouldBe("-- already applied somewhere");
    }

    [TestCase("nested/V1__event_store.sql")]
    [TestCase("../V1__event_store.sql")]
    [TestCase("/tmp/V1__event_store.sql")]
    [TestCase("")]
    public void Write_rejects_a_file_name_that_is_not_a_plain_name_and_creates_nothing(string fileName)
    {
        var folder = Path.Combine(NewFolder(), "never-created");

        var error = Should.Throw<ArgumentException>(() => MigrationEmitter.Write(EventStoreOptions.Default, folder, fileName));

        error.ParamName.ShouldBe("fileName");
        Directory.Exists(folder).ShouldBeFalse();
    }

    [Test]
    public void Write_rejects_a_file_name_with_the_platform_directory_separator()
    {
        var folder = NewFolder();

        Should.Throw<ArgumentException>(
            () => MigrationEmitter.Write(EventStoreOptions.Default, folder, $"nested{Path.DirectorySeparatorChar}V1.sql"))
            .ParamName.ShouldBe("fileName");
        Directory.GetFileSystemEntries(folder).ShouldBeEmpty();
    }

    [Test]
    public void Write_with_an_invalid_table_name_creates_nothing()
    {
        var folder = Path.Combine(NewFolder(), "never-created");

        Should.Throw<ArgumentException>(
            () => MigrationEmitter.Write(new EventStoreOptions { EventsTable = "events; DROP TABLE x" }, folder));

        Directory.Exists(folder).ShouldBeFalse();
    }

    [TestCase("")]
    [TestCase("   ")]
    public void Write_rejects_a_blank_folder(string folder)
    {
        Should.Throw<ArgumentException>(() => MigrationEmitter.Write(EventStoreOptions.Default, folder))
            .ParamName.ShouldBe("folder");
    }

    private string NewFolder() => Directory.CreateDirectory(Path.Combine(_root, Guid.NewGuid().ToString("N"))).FullName;

    private static string NormalizeNewlines(string text) => text.ReplaceLineEndings("\n");

    private static DateTime TruncateToSeconds(DateTime value) => new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static int CountOf(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;
}
