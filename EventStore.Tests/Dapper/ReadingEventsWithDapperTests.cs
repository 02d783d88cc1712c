using Dapper;
using EventStore.Tests.Store;
using Npgsql;

namespace EventStore.Tests.Dapper;

/// <summary>
/// The README shows how to read the events table with your own Dapper query into <see cref="PersistedEvent"/>. This runs
/// that SQL, as the README has it, on Dapper's own mappings plus the NullString handler a store registers, and holds it to
/// what <see cref="global::EventStore.Dapper.PostgresEventStore.ReadEventsAsync"/> returns for the same events.
/// </summary>
public sealed class ReadingEventsWithDapperTests
{
    private static readonly DateTimeOffset TwoHoursEast = new(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2));

    [Test]
    public async Task The_READMEs_Dapper_query_reads_what_ReadEventsAsync_reads_without_the_opt_in_handlers()
    {
        var sql = ReadmeSql.RawStringConstant("ReadEventsSql");
        await using var db = await StoreDatabase.CreateAsync();
        var appended = await db.AppendAsync(ExpectedVersion.NoStream, OrderEvents());
        await db.AppendAsync(ExpectedVersion.NoStream, CustomerEvent());
        // TypeHandlerTests, the only tests that opt in, leave Dapper as building a store leaves it and never run alongside.
        SqlMapper.HasTypeHandler(typeof(NullString)).ShouldBeTrue("building the store registered it");
        SqlMapper.HasTypeHandler(typeof(Guid)).ShouldBeFalse("the README's query must work on Dapper's own Guid mapping");
        SqlMapper.HasTypeHandler(typeof(DateTimeOffset)).ShouldBeFalse("the README's query must work on Dapper's own DateTimeOffset mapping");
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        foreach (var (fromPosition, limit) in new[] { (0L, 500), (appended.GlobalPositions[0], 2) })
        {
            var expected = await db.Store.ReadEventsAsync(transaction, fromPosition, limit);
            var read = await ReadAsDapperAsync(connection, transaction, sql, fromPosition, limit);

            expected.Count.ShouldBe(fromPosition == 0 ? 4 : 2);
            read.Select(View).ShouldBe(expected.Select(View));
        }
    }

    /// <summary>The README's call, with the README's parameter names.</summary>
    private static async Task<List<PersistedEvent>> ReadAsDapperAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, long fromPosition, int limit) =>
        [.. await connection.QueryAsync<PersistedEvent>(new CommandDefinition(sql, new { fromPosition, limit }, transaction))];

    /// <summary>Every field, with the byte arrays as hex and the offset spelled out, so equal views mean equal events.</summary>
    private static string View(PersistedEvent e) => string.Join(" | ",
        e.GlobalPosition, e.AggregateType, e.AggregateId, e.AggregateVersion, e.EventId, e.EventType, e.EventVersion,
        Convert.ToHexString(e.Payload), e.Metadata is null ? "no metadata" : Convert.ToHexString(e.Metadata),
        e.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        Describe(e.TraceId), Describe(e.CorrelationId), Describe(e.CausationId));

    private static string Describe(NullString text) => text.HasValue ? $"\"{text.Value}\"" : "NULL";

    private static Event[] OrderEvents() =>
    [
        new()
        {
            AggregateType = "Order",
            AggregateId = "order-42",
            EventId = Guid.NewGuid(),
            EventType = "OrderPlaced",
            Payload = """{"total": 99.5, "note": "Zoë 😀"}"""u8.ToArray(),
            Metadata = """{"user": "ada", "quote": "a\"b", "city": "Zürich"}"""u8.ToArray(),
            CreatedAt = TwoHoursEast.AddTicks(1_234_560),
            TraceId = "trace-1",
            CorrelationId = string.Empty,
        },
        new()
        {
            AggregateType = "Order",
            AggregateId = "order-42",
            EventId = Guid.NewGuid(),
            EventType = "ItemAdded",
            EventVersion = 2,
            Payload = [0x00, 0xFF, 0x80, 0x7F],
            CreatedAt = TwoHoursEast.AddMinutes(1),
            CausationId = "command-7",
        },
        new()
        {
            AggregateType = "Order",
            AggregateId = "order-42",
            EventId = Guid.NewGuid(),
            EventType = "OrderShipped",
            Payload = "{}"u8.ToArray(),
            Metadata = "[]"u8.ToArray(),
            CreatedAt = TwoHoursEast.AddMinutes(2).ToUniversalTime(),
        },
    ];

    private static Event CustomerEvent() => new()
    {
        AggregateType = "Customer",
        AggregateId = "customer-7",
        EventId = Guid.NewGuid(),
        EventType = "CustomerRegistered",
        Payload = new byte[2_000],
        Metadata = """{"nested": {"list": [1, 2.50, null, true]}}"""u8.ToArray(),
        CreatedAt = TwoHoursEast.AddHours(1),
        TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        CorrelationId = "signup-42",
        CausationId = "command-8",
    };
}
