using EventStore.Tests.Core;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// Every kind of bad input, one row each (<see cref="BadInputRows"/>): the call fails with the expected exception, its
/// message names the field and says what is wrong, and the database is as it was. The fixture's database only ever
/// sees failing calls, so its counts are stable while the rows run in parallel.
/// </summary>
public sealed class BadInputMatrixTests : StoreFixture
{
    public static IEnumerable<string> Rows => BadInputRows.All.Select(row => row.Name);

    /// <summary>Events already stored, so that a stray write would change counts and a maximum that are not zero.</summary>
    [OneTimeSetUp]
    public Task StoreSomeEvents() => Db.AppendAsync(ExpectedVersion.NoStream, Events("Order", NewAggregateId(), 3));

    [TestCaseSource(nameof(Rows))]
    public async Task Bad_input_is_rejected_naming_the_field_and_leaves_the_database_unchanged(string row)
    {
        var input = BadInputRows.All.Single(candidate => candidate.Name == row);
        var before = await SnapshotAsync();
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (input.SpoilTransaction is not null)
        {
            await input.SpoilTransaction(transaction);
        }

        var error = await Should.ThrowAsync<Exception>(async () => await input.Call(Db.Store, transaction));

        error.ShouldBeOfType(input.Exception, error.ToString());
        error.Message.ShouldContain(input.Field, Case.Sensitive);
        error.Message.ShouldContain(input.Fragment, Case.Sensitive);
        if (input.SpoilTransaction is null)
        {
            await ShouldStillWorkAsync(transaction);
            // Committing makes anything the call might have written permanent, so the snapshot below would see it.
            await transaction.CommitAsync();
        }

        (await SnapshotAsync()).ShouldBe(before);
    }

    [Test]
    public async Task Text_exactly_at_each_byte_limit_is_appended_and_read_back()
    {
        await using var db = await StoreDatabase.CreateAsync();
        var written = TestEvents.Valid(LimitText.TypeName, LimitText.ThreeByteId) with
        {
            EventType = LimitText.AsciiTypeName,
            TraceId = LimitText.TwoByteId,
            CorrelationId = LimitText.AsciiId,
            CausationId = LimitText.ThreeByteId,
        };

        await db.AppendAsync(ExpectedVersion.NoStream, written);

        var read = (await db.ReadStreamAsync(LimitText.TypeName, LimitText.ThreeByteId)).Events.ShouldHaveSingleItem();
        (read.AggregateType, read.AggregateId, read.EventType).ShouldBe((written.AggregateType, written.AggregateId, written.EventType));
        (read.TraceId, read.CorrelationId, read.CausationId).ShouldBe((written.TraceId, written.CorrelationId, written.CausationId));
    }

    private static async Task ShouldStillWorkAsync(NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand("SELECT 1", transaction.Connection, transaction);
        (await command.ExecuteScalarAsync()).ShouldBe(1);
    }

    /// <summary>Row counts of both tables and the highest global position, read on a connection of its own.</summary>
    private async Task<(long Events, long Heads, long MaxPosition)> SnapshotAsync()
    {
        await using var connection = await Db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM aggregate_heads), (SELECT COALESCE(max(global_position), 0) FROM events)",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
