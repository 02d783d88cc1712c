using Dapper;
using Npgsql;
using static EventStore.Tests.DapperIsolation.ApplicationOperation;

namespace EventStore.Tests.DapperIsolation;

/// <summary>
/// An application's own Dapper calls, each on a type whose process-wide mapping a library could change: <see cref="Guid"/>,
/// <see cref="DateTimeOffset"/>, <see cref="DateTime"/>, nullable text, <c>IN</c> lists, arrays, dynamic rows and records.
/// Several are calls that fail with Dapper as shipped; an application may rely on that failure, so it is an outcome too.
/// </summary>
internal static class ApplicationOperations
{
    /// <summary>The application's table, created once by <see cref="CreateTableAsync"/>.</summary>
    private const string OrdersTable = "CREATE TABLE app_orders (id uuid PRIMARY KEY, placed_at timestamptz NOT NULL, note text)";

    private const string UuidText = "6f9619ff-8b86-d011-b42d-00cf4fc964ff";
    private const string UuidHex = "6f9619ff8b86d011b42d00cf4fc964ff";
    private const string OtherUuidText = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private const string NoonUtcText = "'2024-05-01 12:00:00+00'";
    private const string ToUtcText = "to_char(@at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";

    private static readonly Guid Uuid = Guid.Parse(UuidText);
    private static readonly Guid OtherUuid = Guid.Parse(OtherUuidText);
    private static readonly DateTimeOffset NoonUtc = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NoonAtPlusTwo = new(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2));
    private static readonly DateTime NoonUtcDateTime = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime NoonLocalDateTime = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Unspecified);

    public static IReadOnlyList<ApplicationOperation> All { get; } =
    [
        Of("Guid parameter compared with a uuid", connection =>
            connection.QuerySingleAsync<bool>($"SELECT @id = '{UuidText}'::uuid", new { id = Uuid })),
        Of("Guid parameter's server type", connection =>
            connection.QuerySingleAsync<string>("SELECT pg_typeof(@id)::text", new { id = Uuid })),
        Of("Guid read from uuid", connection =>
            connection.QuerySingleAsync<Guid>($"SELECT '{UuidText}'::uuid")),
        Of("Guid? null parameter", connection =>
            connection.QuerySingleAsync<bool>("SELECT @id::uuid IS NULL", new { id = (Guid?)null })),
        Of("Guid? read from uuid", connection =>
            connection.QuerySingleAsync<Guid?>($"SELECT '{UuidText}'::uuid")),
        Of("Guid? read from NULL", connection =>
            connection.QuerySingleAsync<Guid?>("SELECT NULL::uuid")),
        Of("Guid? property read from NULL", async connection =>
            (await connection.QuerySingleAsync<MaybeIdRow>("SELECT NULL::uuid AS \"Id\"")).Id),
        Of("Guid read from text", connection =>
            connection.QuerySingleAsync<Guid>($"SELECT '{UuidText}'::text")),
        Of("Guid property read from text", async connection =>
            (await connection.QuerySingleAsync<IdRow>($"SELECT '{UuidText}'::text AS \"Id\"")).Id),
        Of("Guid read from 16-byte bytea", connection =>
            connection.QuerySingleAsync<Guid>($"SELECT decode('{UuidHex}', 'hex')")),
        Of("Guid property read from 16-byte bytea", async connection =>
            (await connection.QuerySingleAsync<IdRow>($"SELECT decode('{UuidHex}', 'hex') AS \"Id\"")).Id),

        Of("DateTimeOffset +00:00 parameter written", connection =>
            connection.QuerySingleAsync<string>($"SELECT {ToUtcText}", new { at = NoonUtc })),
        Of("DateTimeOffset +02:00 parameter written", connection =>
            connection.QuerySingleAsync<string>($"SELECT {ToUtcText}", new { at = NoonAtPlusTwo })),
        Of("DateTimeOffset parameter's server type", connection =>
            connection.QuerySingleAsync<string>("SELECT pg_typeof(@at)::text", new { at = NoonUtc })),
        Of("DateTimeOffset read from timestamptz", connection =>
            connection.QuerySingleAsync<DateTimeOffset>($"SELECT {NoonUtcText}::timestamptz")),
        Of("DateTimeOffset read from timestamp without time zone", connection =>
            connection.QuerySingleAsync<DateTimeOffset>("SELECT '2024-05-01 12:00:00'::timestamp")),
        Of("DateTimeOffset? read from NULL", connection =>
            connection.QuerySingleAsync<DateTimeOffset?>("SELECT NULL::timestamptz")),
        Of("DateTimeOffset property read from timestamptz", async connection =>
            (await connection.QuerySingleAsync<TimeRow>($"SELECT {NoonUtcText}::timestamptz AS \"At\"")).At),
        Of("DateTimeOffset property read from timestamp without time zone", async connection =>
            (await connection.QuerySingleAsync<TimeRow>("SELECT '2024-05-01 12:00:00'::timestamp AS \"At\"")).At),
        Of("record with a DateTimeOffset constructor parameter", async connection =>
        {
            var stamp = await connection.QuerySingleAsync<Stamp>($"SELECT 7::bigint AS \"Number\", {NoonUtcText}::timestamptz AS \"At\"");
            return (stamp.Number, stamp.At);
        }),

        Of("DateTime UTC parameter round trip through timestamptz", connection =>
            connection.QuerySingleAsync<DateTime>("SELECT @at::timestamptz", new { at = NoonUtcDateTime })),
        Of("DateTime unspecified parameter written to timestamp", connection =>
            connection.QuerySingleAsync<string>("SELECT @at::timestamp::text", new { at = NoonLocalDateTime })),
        Of("DateTime read from timestamp without time zone", connection =>
            connection.QuerySingleAsync<DateTime>("SELECT '2024-05-01 12:00:00'::timestamp")),

        Of("null string parameter", connection =>
            connection.QuerySingleAsync<bool>("SELECT @note::text IS NULL", new { note = (string?)null })),
        Of("string read from NULL text", connection =>
            connection.QuerySingleAsync<string?>("SELECT NULL::text")),

        Of("= ANY(@ids) with a Guid array", connection =>
            connection.QuerySingleAsync<long>(TwoIds("id = ANY(@ids)"), new { ids = new[] { Uuid } })),
        Of("= ANY(@ids) with a Guid list", connection =>
            connection.QuerySingleAsync<long>(TwoIds("id = ANY(@ids)"), new { ids = new List<Guid> { Uuid, OtherUuid } })),
        Of("IN @ids with a Guid list", connection =>
            connection.QuerySingleAsync<long>(TwoIds("id IN @ids"), new { ids = new List<Guid> { Uuid, OtherUuid } })),
        Of("IN @ids with an int list", connection =>
            connection.QuerySingleAsync<long>("SELECT count(*) FROM generate_series(1, 5) AS n WHERE n IN @ns", new { ns = new List<int> { 2, 4 } })),
        Of("IN @ats with a +00:00 DateTimeOffset list", connection =>
            connection.QuerySingleAsync<long>(OneTime("at IN @ats"), new { ats = new List<DateTimeOffset> { NoonUtc } })),
        Of("IN @ats with a +02:00 DateTimeOffset list", connection =>
            connection.QuerySingleAsync<long>(OneTime("at IN @ats"), new { ats = new List<DateTimeOffset> { NoonAtPlusTwo } })),
        Of("= ANY(@ats) with a +02:00 DateTimeOffset array", connection =>
            connection.QuerySingleAsync<long>(OneTime("at = ANY(@ats)"), new { ats = new[] { NoonAtPlusTwo } })),

        Of("int[] read", connection =>
            connection.QuerySingleAsync<int[]>("SELECT ARRAY[1, 2, 3]")),
        Of("Guid[] read from uuid[]", connection =>
            connection.QuerySingleAsync<Guid[]>($"SELECT ARRAY['{UuidText}'::uuid, '{OtherUuidText}'::uuid]")),
        Of("string[] parameter", connection =>
            connection.QuerySingleAsync<int>("SELECT cardinality(@names)", new { names = new[] { "a", "b" } })),

        Of("dynamic row", async connection => (object)await connection.QuerySingleAsync(
            $"SELECT '{UuidText}'::uuid AS id, {NoonUtcText}::timestamptz AS at, NULL::text AS note, decode('{UuidHex}', 'hex') AS raw")),
        Of("record with Guid and nullable string", async connection =>
        {
            var person = await connection.QuerySingleAsync<Person>($"SELECT '{UuidText}'::uuid AS \"Id\", NULL::text AS \"Name\"");
            return (person.Id, person.Name);
        }),
        Of("class with Guid?, DateTime and string", async connection =>
        {
            var shipment = await connection.QuerySingleAsync<Shipment>(
                $"SELECT '{UuidText}'::uuid AS \"Id\", {NoonUtcText}::timestamptz AS \"ShippedAt\", 'fragile' AS \"Note\"");
            return (shipment.Id, shipment.ShippedAt, shipment.Note);
        }),
        Of("insert with Guid, DateTimeOffset and null parameters, read back", InsertAndReadBackAsync),
    ];

    public static async Task CreateTableAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(OrdersTable, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Runs each operation on a connection of its own: Npgsql breaks the connection when it refuses a parameter, and one
    /// operation's failure must not become the next one's outcome.
    /// </summary>
    public static async Task<List<Outcome>> RunAllAsync(NpgsqlDataSource dataSource)
    {
        var outcomes = new List<Outcome>();
        foreach (var operation in All)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            outcomes.Add(await operation.RunAsync(connection));
        }

        return outcomes;
    }

    private static string TwoIds(string condition) =>
        $"SELECT count(*) FROM (VALUES ('{UuidText}'::uuid), ('{OtherUuidText}'::uuid)) AS v(id) WHERE {condition}";

    private static string OneTime(string condition) =>
        $"SELECT count(*) FROM (VALUES ({NoonUtcText}::timestamptz)) AS v(at) WHERE {condition}";

    /// <summary>Writes a row and reads it back in a transaction it rolls back, so every run sees the same table.</summary>
    private static async Task<(Guid, DateTime, string?)> InsertAndReadBackAsync(NpgsqlConnection connection)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO app_orders (id, placed_at, note) VALUES (@id, @at, @note)",
            new { id = Uuid, at = NoonUtc, note = (string?)null }, transaction));
        var row = await connection.QuerySingleAsync<(Guid, DateTime, string?)>(
            new CommandDefinition("SELECT id, placed_at, note FROM app_orders", transaction: transaction));
        await transaction.RollbackAsync();
        return row;
    }

    private sealed record Stamp(long Number, DateTimeOffset At);

    private sealed record Person(Guid Id, string? Name);

    private sealed class Shipment
    {
        public Guid? Id { get; init; }

        public DateTime ShippedAt { get; init; }

        public string? Note { get; init; }
    }

    private sealed class IdRow
    {
        public Guid Id { get; init; }
    }

    private sealed class MaybeIdRow
    {
        public Guid? Id { get; init; }
    }

    private sealed class TimeRow
    {
        public DateTimeOffset At { get; init; }
    }
}
