using System.Data;
using Dapper;
using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;

namespace EventStore.Tests.Dapper;

/// <summary>
/// Each handler is shown to matter: a query that Dapper as shipped gets wrong is mapped right once the handlers are
/// registered. Every test leaves the handlers registered, because the store's other tests rely on them.
/// </summary>
[NonParallelizable] // resets Dapper's process-wide type handlers
public sealed class TypeHandlerTests
{
    private const string UuidText = "6f9619ff-8b86-d011-b42d-00cf4fc964ff";
    private static readonly Guid Uuid = Guid.Parse(UuidText);
    private static readonly DateTimeOffset Noon = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private TemporaryDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await TestServer.CreateDatabaseAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [TearDown]
    public void LeaveHandlersRegistered() => Register();

    [Test]
    public async Task Without_the_NullString_handler_Dapper_cannot_bind_or_construct_it_and_with_it_both_work()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();

        await Should.ThrowAsync<NotSupportedException>(
            () => connection.QuerySingleAsync<string>("SELECT @value::text", new { value = new NullString("x") }));
        await Should.ThrowAsync<InvalidOperationException>(
            () => connection.QuerySingleAsync<TextRecord>("SELECT 'x'::text AS \"Value\""));
        (await connection.QuerySingleAsync<NullString>("SELECT 'x'::text")).ShouldBe(NullString.Null, "Dapper as shipped drops the value");

        Register();

        (await connection.QuerySingleAsync<string>("SELECT @value::text", new { value = new NullString("x") })).ShouldBe("x");
        (await connection.QuerySingleAsync<bool>("SELECT @value::text IS NULL", new { value = NullString.Null })).ShouldBeTrue();
        (await connection.QuerySingleAsync<TextRecord>("SELECT 'x'::text AS \"Value\"")).Value.ShouldBe(new NullString("x"));
        (await connection.QuerySingleAsync<NullString>("SELECT 'x'::text")).ShouldBe(new NullString("x"));
    }

    [Test]
    public async Task With_the_NullString_handler_SQL_NULL_reads_as_Null_and_an_empty_string_as_a_value()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Register();

        (await connection.QuerySingleAsync<TextRecord>("SELECT NULL::text AS \"Value\"")).Value.ShouldBe(NullString.Null);
        (await connection.QuerySingleAsync<TextRow>("SELECT NULL::text AS \"Value\"")).Value.ShouldBe(NullString.Null);
        (await connection.QuerySingleAsync<NullString>("SELECT NULL::text")).ShouldBe(NullString.Null);
        var empty = (await connection.QuerySingleAsync<TextRecord>("SELECT ''::text AS \"Value\"")).Value;
        empty.HasValue.ShouldBeTrue();
        empty.Value.ShouldBe(string.Empty);
    }

    [Test]
    public async Task Without_the_uuid_handler_a_text_or_binary_uuid_does_not_map_to_Guid_and_with_it_it_does()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();

        await Should.ThrowAsync<DataException>(
            () => connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\""));
        await Should.ThrowAsync<DataException>(
            () => connection.QuerySingleAsync<IdRow>($"SELECT decode('{UuidText.Replace("-", string.Empty, StringComparison.Ordinal)}', 'hex') AS \"Id\""));

        Register();

        (await connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\"")).Id.ShouldBe(Uuid);
        (await connection.QuerySingleAsync<IdRow>($"SELECT decode('{UuidText.Replace("-", string.Empty, StringComparison.Ordinal)}', 'hex') AS \"Id\"")).Id
            .ShouldBe(Uuid, "16 bytes are read in network (big-endian) order, as PostgreSQL's uuid_send writes them");
        (await connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::uuid AS \"Id\"")).Id.ShouldBe(Uuid);
        (await connection.QuerySingleAsync<Guid>($"SELECT '{UuidText}'::text")).ShouldBe(Uuid);
        (await connection.QuerySingleAsync<string>("SELECT @id::text", new { id = Uuid })).ShouldBe(UuidText);
    }

    [Test]
    public async Task With_the_uuid_handler_a_binary_column_of_the_wrong_length_is_rejected()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Register();

        await Should.ThrowAsync<DataException>(() => connection.QuerySingleAsync<IdRow>("SELECT '\\x0102'::bytea AS \"Id\""));
    }

    [Test]
    public async Task Without_the_timestamp_handler_DateTimeOffset_fails_both_ways_and_with_it_it_maps_as_UTC()
    {
        await using var connection = await _database.OpenConnectionAsync();
        var twoHoursEast = new DateTimeOffset(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2));
        Unregister();

        // Npgsql writes a DateTimeOffset to timestamptz only with offset 0, and reads timestamptz as DateTime.
        await Should.ThrowAsync<ArgumentException>(
            () => connection.QuerySingleAsync<DateTime>("SELECT @at::timestamptz", new { at = twoHoursEast }));
        await Should.ThrowAsync<DataException>(
            () => connection.QuerySingleAsync<DateTimeOffset>("SELECT '2024-05-01 12:00:00+00'::timestamptz"));

        Register();

        var written = await connection.QuerySingleAsync<string>(
            "SELECT to_char(@at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", new { at = twoHoursEast });
        written.ShouldBe("2024-05-01 12:00:00", "the instant is kept and written as UTC");
        var read = await connection.QuerySingleAsync<DateTimeOffset>("SELECT '2024-05-01 14:00:00+02'::timestamptz");
        read.ShouldBe(Noon);
        read.Offset.ShouldBe(TimeSpan.Zero);
        (await connection.QuerySingleAsync<TimeRow>("SELECT '2024-05-01 12:00:00+00'::timestamptz AS \"At\"")).At.ShouldBe(Noon);
    }

    [Test]
    public async Task With_the_timestamp_handler_timestamps_keep_microseconds_both_ways()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Register();
        var precise = Noon.AddTicks(1_234_560);

        var roundTripped = await connection.QuerySingleAsync<DateTimeOffset>("SELECT @at::timestamptz", new { at = precise });

        roundTripped.ShouldBe(precise);
    }

    [Test]
    public async Task EnsureRegistered_is_idempotent()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();

        DapperTypeHandlers.EnsureRegistered();
        DapperTypeHandlers.EnsureRegistered();
        DapperTypeHandlers.EnsureRegistered();
        SqlMapper.PurgeQueryCache();

        await ShouldMapEveryHandledTypeAsync(connection);
    }

    [Test]
    public async Task EnsureRegistered_from_many_threads_at_once_registers_every_handler()
    {
        await using var connection = await _database.OpenConnectionAsync();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            Unregister();
            using var start = new Barrier(16);
            // Dedicated threads, so all of them really are waiting at the barrier together.
            var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                DapperTypeHandlers.EnsureRegistered();
            })).ToList();

            threads.ForEach(thread => thread.Start());
            threads.ForEach(thread => thread.Join());

            SqlMapper.HasTypeHandler(typeof(NullString)).ShouldBeTrue();
            SqlMapper.HasTypeHandler(typeof(Guid)).ShouldBeTrue();
            SqlMapper.HasTypeHandler(typeof(DateTimeOffset)).ShouldBeTrue();
        }

        SqlMapper.PurgeQueryCache();
        await ShouldMapEveryHandledTypeAsync(connection);
    }

    [Test]
    public async Task Constructing_a_store_registers_the_handlers()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();
        SqlMapper.HasTypeHandler(typeof(NullString)).ShouldBeFalse();

        _ = new PostgresEventStore();
        SqlMapper.PurgeQueryCache();

        SqlMapper.HasTypeHandler(typeof(NullString)).ShouldBeTrue();
        SqlMapper.HasTypeHandler(typeof(Guid)).ShouldBeTrue();
        SqlMapper.HasTypeHandler(typeof(DateTimeOffset)).ShouldBeTrue();
        await ShouldMapEveryHandledTypeAsync(connection);
    }

    /// <summary>
    /// Puts Dapper back as shipped: no custom handlers, and its built-in map for <see cref="Guid"/> and
    /// <see cref="DateTimeOffset"/>, which the store's registration removes and <see cref="SqlMapper.ResetTypeHandlers"/>
    /// does not restore.
    /// </summary>
    private static void Unregister()
    {
        SqlMapper.ResetTypeHandlers();
        SqlMapper.AddTypeMap(typeof(Guid), DbType.Guid);
        SqlMapper.AddTypeMap(typeof(Guid?), DbType.Guid);
        SqlMapper.AddTypeMap(typeof(DateTimeOffset), DbType.DateTimeOffset);
        SqlMapper.AddTypeMap(typeof(DateTimeOffset?), DbType.DateTimeOffset);
        // Dapper caches each query's materializer, built with whatever handlers were registered at the time.
        SqlMapper.PurgeQueryCache();
    }

    private static void Register()
    {
        DapperTypeHandlers.EnsureRegistered();
        SqlMapper.PurgeQueryCache();
    }

    private static async Task ShouldMapEveryHandledTypeAsync(NpgsqlConnection connection)
    {
        (await connection.QuerySingleAsync<TextRecord>("SELECT 'x'::text AS \"Value\"")).Value.ShouldBe(new NullString("x"));
        (await connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\"")).Id.ShouldBe(Uuid);
        (await connection.QuerySingleAsync<DateTimeOffset>("SELECT '2024-05-01 12:00:00+00'::timestamptz")).ShouldBe(Noon);
    }

    private sealed record TextRecord(NullString Value);

    private sealed class TextRow
    {
        public NullString Value { get; init; }
    }

    private sealed class IdRow
    {
        public Guid Id { get; init; }
    }

    private sealed class TimeRow
    {
        public DateTimeOffset At { get; init; }
    }
}
