using System.Data;
using Dapper;
using EventStore.Dapper;
using EventStore.Testing;
using EventStore.Tests.Consumers;
using Npgsql;

namespace EventStore.Tests.Dapper;

/// <summary>
/// Each handler is shown to matter: a query that Dapper as shipped gets wrong is mapped right once the handler is
/// registered. Building a store or a processor registers the <see cref="NullString"/> handler only; the Guid and
/// DateTimeOffset handlers come only from <see cref="EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings"/>.
/// Every test leaves Dapper as building a store leaves it, so the rest of the suite runs on Dapper's own mappings.
/// ApplicationDapperIsolationTests prove the same in a clean process.
/// </summary>
[NonParallelizable] // registers and resets Dapper's process-wide type handlers
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
    public void LeaveDapperAsBuildingAStoreLeavesIt()
    {
        Unregister();
        RegisterNullString();
    }

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

        RegisterNullString();

        (await connection.QuerySingleAsync<string>("SELECT @value::text", new { value = new NullString("x") })).ShouldBe("x");
        (await connection.QuerySingleAsync<bool>("SELECT @value::text IS NULL", new { value = NullString.Null })).ShouldBeTrue();
        (await connection.QuerySingleAsync<TextRecord>("SELECT 'x'::text AS \"Value\"")).Value.ShouldBe(new NullString("x"));
        (await connection.QuerySingleAsync<NullString>("SELECT 'x'::text")).ShouldBe(new NullString("x"));
    }

    [Test]
    public async Task With_the_NullString_handler_SQL_NULL_reads_as_Null_and_an_empty_string_as_a_value()
    {
        await using var connection = await _database.OpenConnectionAsync();
        RegisterNullString();

        (await connection.QuerySingleAsync<TextRecord>("SELECT NULL::text AS \"Value\"")).Value.ShouldBe(NullString.Null);
        (await connection.QuerySingleAsync<TextRow>("SELECT NULL::text AS \"Value\"")).Value.ShouldBe(NullString.Null);
        (await connection.QuerySingleAsync<NullString>("SELECT NULL::text")).ShouldBe(NullString.Null);
        var empty = (await connection.QuerySingleAsync<TextRecord>("SELECT ''::text AS \"Value\"")).Value;
        empty.HasValue.ShouldBeTrue();
        empty.Value.ShouldBe(string.Empty);
    }

    [Test]
    public async Task Building_a_store_or_a_processor_registers_the_NullString_handler_and_leaves_Guid_and_DateTimeOffset_to_Dapper()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        Action[] builders = [() => _ = new PostgresEventStore(), () => _ = new ConsumerProcessor(dataSource, [new SeenConsumer()])];
        foreach (var build in builders)
        {
            Unregister();

            build();

            SqlMapper.HasTypeHandler(typeof(NullString)).ShouldBeTrue();
            SqlMapper.HasTypeHandler(typeof(Guid)).ShouldBeFalse();
            SqlMapper.HasTypeHandler(typeof(DateTimeOffset)).ShouldBeFalse();
            (await connection.QuerySingleAsync<TextRecord>("SELECT 'x'::text AS \"Value\"")).Value.ShouldBe(new NullString("x"));
            await ShouldMapGuidAndDateTimeOffsetAsDapperDoesAsync(connection);
        }
    }

    [Test]
    public async Task An_applications_own_NullString_handler_registered_first_is_kept_by_building_a_store()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();
        SqlMapper.AddTypeHandler(new ShoutingNullStringHandler());

        _ = new PostgresEventStore();
        SqlMapper.PurgeQueryCache();

        (await connection.QuerySingleAsync<NullString>("SELECT 'x'::text")).ShouldBe(new NullString("X"));
    }

    [Test]
    public async Task Without_the_opt_in_a_text_or_binary_uuid_does_not_map_to_Guid_and_with_it_it_does()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();

        await Should.ThrowAsync<DataException>(
            () => connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\""));
        await Should.ThrowAsync<DataException>(
            () => connection.QuerySingleAsync<IdRow>($"SELECT decode('{UuidText.Replace("-", string.Empty, StringComparison.Ordinal)}', 'hex') AS \"Id\""));

        ReplaceGuidAndDateTimeOffsetMappings();

        (await connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\"")).Id.ShouldBe(Uuid);
        (await connection.QuerySingleAsync<IdRow>($"SELECT decode('{UuidText.Replace("-", string.Empty, StringComparison.Ordinal)}', 'hex') AS \"Id\"")).Id
            .ShouldBe(Uuid, "16 bytes are read in network (big-endian) order, as PostgreSQL's uuid_send writes them");
        (await connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::uuid AS \"Id\"")).Id.ShouldBe(Uuid);
        (await connection.QuerySingleAsync<Guid>($"SELECT '{UuidText}'::text")).ShouldBe(Uuid);
        (await connection.QuerySingleAsync<string>("SELECT @id::text", new { id = Uuid })).ShouldBe(UuidText);
    }

    [Test]
    public async Task With_the_opt_in_a_binary_column_of_the_wrong_length_is_rejected()
    {
        await using var connection = await _database.OpenConnectionAsync();
        ReplaceGuidAndDateTimeOffsetMappings();

        await Should.ThrowAsync<DataException>(() => connection.QuerySingleAsync<IdRow>("SELECT '\\x0102'::bytea AS \"Id\""));
    }

    [Test]
    public async Task Without_the_opt_in_DateTimeOffset_fails_both_ways_and_with_it_it_maps_as_UTC()
    {
        await using var connection = await _database.OpenConnectionAsync();
        var twoHoursEast = new DateTimeOffset(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2));
        Unregister();

        // Npgsql writes a DateTimeOffset to timestamptz only with offset 0, and reads timestamptz as DateTime.
        await Should.ThrowAsync<ArgumentException>(
            () => connection.QuerySingleAsync<DateTime>("SELECT @at::timestamptz", new { at = twoHoursEast }));
        await Should.ThrowAsync<DataException>(
            () => connection.QuerySingleAsync<DateTimeOffset>("SELECT '2024-05-01 12:00:00+00'::timestamptz"));

        ReplaceGuidAndDateTimeOffsetMappings();

        var written = await connection.QuerySingleAsync<string>(
            "SELECT to_char(@at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", new { at = twoHoursEast });
        written.ShouldBe("2024-05-01 12:00:00", "the instant is kept and written as UTC");
        var read = await connection.QuerySingleAsync<DateTimeOffset>("SELECT '2024-05-01 14:00:00+02'::timestamptz");
        read.ShouldBe(Noon);
        read.Offset.ShouldBe(TimeSpan.Zero);
        (await connection.QuerySingleAsync<TimeRow>("SELECT '2024-05-01 12:00:00+00'::timestamptz AS \"At\"")).At.ShouldBe(Noon);
    }

    [Test]
    public async Task With_the_opt_in_timestamps_keep_microseconds_both_ways()
    {
        await using var connection = await _database.OpenConnectionAsync();
        ReplaceGuidAndDateTimeOffsetMappings();
        var precise = Noon.AddTicks(1_234_560);

        var roundTripped = await connection.QuerySingleAsync<DateTimeOffset>("SELECT @at::timestamptz", new { at = precise });

        roundTripped.ShouldBe(precise);
    }

    [Test]
    public async Task With_the_opt_in_SQL_NULL_still_reads_as_null_into_a_nullable_Guid_or_DateTimeOffset()
    {
        await using var connection = await _database.OpenConnectionAsync();
        ReplaceGuidAndDateTimeOffsetMappings();

        (await connection.QuerySingleAsync<Guid?>("SELECT NULL::uuid")).ShouldBeNull();
        (await connection.QuerySingleAsync<DateTimeOffset?>("SELECT NULL::timestamptz")).ShouldBeNull();
        (await connection.QuerySingleAsync<MaybeTimeRow>("SELECT NULL::timestamptz AS \"At\"")).At.ShouldBeNull();
        (await connection.QuerySingleAsync<bool>("SELECT @id::uuid IS NULL AND @at::timestamptz IS NULL", new { id = (Guid?)null, at = (DateTimeOffset?)null }))
            .ShouldBeTrue();
        await Should.ThrowAsync<DataException>(() => connection.QuerySingleAsync<Guid>("SELECT NULL::uuid"));
    }

    [Test]
    public async Task An_applications_own_Guid_handler_registered_first_is_kept_by_the_opt_in()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();
        SqlMapper.AddTypeHandler(new ReversedGuidHandler());

        ReplaceGuidAndDateTimeOffsetMappings();

        SqlMapper.HasTypeHandler(typeof(DateTimeOffset)).ShouldBeTrue();
        (await connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\"")).Id.ShouldBe(ReversedGuidHandler.Reverse(Uuid));
    }

    [Test]
    public async Task Registering_the_handlers_again_changes_nothing()
    {
        await using var connection = await _database.OpenConnectionAsync();
        Unregister();

        for (var call = 0; call < 3; call++)
        {
            DapperTypeHandlers.EnsureNullStringHandler();
            EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings();
        }

        SqlMapper.PurgeQueryCache();
        await ShouldMapEveryHandledTypeAsync(connection);
    }

    [Test]
    public async Task Registering_from_many_threads_at_once_registers_every_handler()
    {
        await using var connection = await _database.OpenConnectionAsync();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            Unregister();
            using var start = new Barrier(16);
            // Dedicated threads, so all of them really are waiting at the barrier together; half build a store, half opt in.
            var threads = Enumerable.Range(0, 16).Select(index => new Thread(() =>
            {
                start.SignalAndWait();
                if (index % 2 == 0)
                {
                    DapperTypeHandlers.EnsureNullStringHandler();
                }
                else
                {
                    EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings();
                }
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

    /// <summary>
    /// Puts Dapper back as shipped: no custom handlers, and its built-in map for <see cref="Guid"/> and
    /// <see cref="DateTimeOffset"/>, which the opt-in removes and <see cref="SqlMapper.ResetTypeHandlers"/> does not restore.
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

    private static void RegisterNullString()
    {
        DapperTypeHandlers.EnsureNullStringHandler();
        SqlMapper.PurgeQueryCache();
    }

    private static void ReplaceGuidAndDateTimeOffsetMappings()
    {
        EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings();
        SqlMapper.PurgeQueryCache();
    }

    private static async Task ShouldMapGuidAndDateTimeOffsetAsDapperDoesAsync(NpgsqlConnection connection)
    {
        await Should.ThrowAsync<DataException>(() => connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\""));
        await Should.ThrowAsync<DataException>(() => connection.QuerySingleAsync<DateTimeOffset>("SELECT '2024-05-01 12:00:00+00'::timestamptz"));
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

    private sealed class MaybeTimeRow
    {
        public DateTimeOffset? At { get; init; }
    }

    /// <summary>An application's own NullString handler, told apart from the library's by the upper case it reads.</summary>
    private sealed class ShoutingNullStringHandler : SqlMapper.TypeHandler<NullString>
    {
        public override void SetValue(IDbDataParameter parameter, NullString value) => parameter.Value = value.Value ?? (object)DBNull.Value;

        public override NullString Parse(object value) => new(((string)value).ToUpperInvariant());
    }

    /// <summary>An application's own Guid handler, told apart from the library's by the byte order it reads text in.</summary>
    private sealed class ReversedGuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public static Guid Reverse(Guid id) => new([.. id.ToByteArray().Reverse()]);

        public override void SetValue(IDbDataParameter parameter, Guid value) => parameter.Value = value;

        public override Guid Parse(object value) => Reverse(Guid.Parse((string)value));
    }
}
