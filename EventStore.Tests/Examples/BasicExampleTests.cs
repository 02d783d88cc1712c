using System.Text.RegularExpressions;
using Dapper;
using EventStore.Examples.Basic;
using EventStore.Testing;
using Npgsql;

namespace EventStore.Tests.Examples;

/// <summary>
/// The basic example, run once in-process on a database of its own and then checked line by line and row by row;
/// and the built program, run as a process the way the demo runs it.
/// </summary>
public sealed partial class BasicExampleTests
{
    private TemporaryDatabase? _database;
    private string[] _lines = [];
    private string _orderId = string.Empty;

    private TemporaryDatabase Database =>
        _database ?? throw new InvalidOperationException("The example's database exists only while the fixture runs.");

    [OneTimeSetUp]
    public async Task RunTheExample()
    {
        _database = await TestServer.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var output = new StringWriter();

        await BasicExample.RunAsync(dataSource, output, CancellationToken.None);

        _lines = output.ToString().Split(output.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var placed = _lines.Select(line => FirstAppendLine().Match(line)).SingleOrDefault(match => match.Success);
        _orderId = placed?.Groups["id"].Value ?? string.Empty;
    }

    [OneTimeTearDown]
    public async Task DropTheDatabase()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    public void The_new_order_is_appended_with_no_stream_as_versions_one_and_two()
    {
        _orderId.ShouldNotBeEmpty("the output names the new order in its first append line");
    }

    [Test]
    public void The_append_at_the_loaded_version_becomes_version_three()
    {
        _lines.ShouldContain("Appended ItemAdded at Exact(2): version 3, position 3");
    }

    [Test]
    public void The_stale_append_is_caught_as_a_conflict_with_the_expected_and_actual_version()
    {
        _lines.ShouldContain("Conflict caught: expected Exact(2), actual version 3");
        _lines.ShouldContain("Appended OrderShipped at Exact(3): version 4, position 4");
    }

    [Test]
    public void The_full_stream_lists_versions_one_to_four_in_order()
    {
        _lines.ShouldContain($"Stream Order/{_orderId}: 4 events, version 4");
        Section("Stream ").ShouldBe(
        [
            """  v1 OrderPlaced {"customer":"ada","currency":"EUR"}""",
            """  v2 ItemAdded {"sku":"BOOK-1","quantity":1}""",
            """  v3 ItemAdded {"sku":"PEN-7","quantity":3}""",
            """  v4 OrderShipped {"carrier":"post"}""",
        ]);
    }

    [Test]
    public void The_range_read_lists_versions_two_and_three_only()
    {
        _lines.ShouldContain("Versions 2-3: 2 events");
        Section("Versions 2-3").ShouldBe(
        [
            """  v2 ItemAdded {"sku":"BOOK-1","quantity":1}""",
            """  v3 ItemAdded {"sku":"PEN-7","quantity":3}""",
        ]);
    }

    [Test]
    public void The_global_log_lists_the_four_events_in_position_order()
    {
        _lines.ShouldContain("Global log after position 0: 4 events");
        Section("Global log").ShouldBe(
        [
            $"  position 1: Order/{_orderId} v1 OrderPlaced",
            $"  position 2: Order/{_orderId} v2 ItemAdded",
            $"  position 3: Order/{_orderId} v3 ItemAdded",
            $"  position 4: Order/{_orderId} v4 OrderShipped",
        ]);
    }

    [Test]
    public async Task The_latest_position_equals_the_number_of_events_stored()
    {
        var stored = await CountEventsAsync(Database.ConnectionString);

        stored.ShouldBe(4);
        _lines[^1].ShouldBe($"Latest global position: {stored}");
    }

    [Test]
    public async Task The_events_table_holds_the_committed_events_and_nothing_of_the_refused_append()
    {
        await using var connection = await Database.OpenConnectionAsync();

        var rows = await connection.QueryAsync<(string AggregateId, long Version, long Position, string EventType)>(
            "SELECT aggregate_id, aggregate_version, global_position, event_type FROM events ORDER BY global_position");
        var head = await connection.QuerySingleAsync<long>(
            "SELECT aggregate_version FROM aggregate_heads WHERE aggregate_type = 'Order' AND aggregate_id = @id", new { id = _orderId });

        rows.ShouldBe(
        [
            (_orderId, 1L, 1L, "OrderPlaced"),
            (_orderId, 2L, 2L, "ItemAdded"),
            (_orderId, 3L, 3L, "ItemAdded"),
            (_orderId, 4L, 4L, "OrderShipped"),
        ]);
        head.ShouldBe(4);
    }

    [Test]
    public async Task The_program_uses_the_database_in_EVENTSTORE_CONNECTION_and_exits_with_zero()
    {
        await using var database = await TestServer.CreateDatabaseAsync();

        var run = await ExampleProgram.RunAsync("Basic.dll", database.ConnectionString);

        run.ExitCode.ShouldBe(0, run.Errors);
        run.Errors.ShouldBeEmpty();
        run.Output.ShouldContain("PostgreSQL: using the server in EVENTSTORE_CONNECTION", Case.Sensitive);
        run.Output.ShouldContain("Conflict caught: expected Exact(2), actual version 3", Case.Sensitive);
        (await CountEventsAsync(database.ConnectionString)).ShouldBe(4, "the program appends to the database it was given");
    }

    [Test]
    public async Task The_program_exits_with_one_and_a_one_line_message_when_the_database_is_missing()
    {
        var missing = new NpgsqlConnectionStringBuilder(TestServer.Server.ConnectionString)
        {
            Database = $"eventstore_missing_{Guid.NewGuid():N}",
        };

        var run = await ExampleProgram.RunAsync("Basic.dll", missing.ConnectionString);

        run.ExitCode.ShouldBe(1);
        run.Errors.TrimEnd().ShouldStartWith("The basic example failed: ");
        run.Errors.TrimEnd().ShouldContain(missing.Database, Case.Sensitive);
        run.Errors.TrimEnd().ShouldNotContain('\n');
    }

    [GeneratedRegex("^Appended OrderPlaced, ItemAdded to (?<id>order-[0-9a-f]{32}): from version 0 to 2, positions 1-2$")]
    private static partial Regex FirstAppendLine();

    private string[] Section(string header) =>
        [.. _lines
            .SkipWhile(line => !line.StartsWith(header, StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => line.StartsWith("  ", StringComparison.Ordinal))];

    private static async Task<long> CountEventsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM events");
    }
}
