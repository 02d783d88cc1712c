using System.Data;
using System.Text;
using System.Text.Json.Nodes;
using EventStore.Tests.Core;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

[TestFixture(ServerRoute.Direct, LogSchema.Plain)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Plain)]
[TestFixture(ServerRoute.Direct, LogSchema.Partitioned)]
[TestFixture(ServerRoute.PgBouncer, LogSchema.Partitioned)]
public sealed class AppendTests(ServerRoute route, LogSchema schema) : StoreFixture(route, schema)
{
    private const string Order = "Order";


    [Test]
    public async Task Every_field_of_an_appended_event_reads_back_as_it_was_given()
    {
        var id = NewAggregateId();
        var written = new Event
        {
            AggregateType = Order,
            AggregateId = id,
            EventId = Guid.NewGuid(),
            EventType = "OrderShipped",
            EventVersion = 2,
            Payload = [0x00, 0x01, 0x7F, 0x80, 0xFF],
            // Already in jsonb's output form, so the text itself must come back.
            Metadata = """{"a": 1, "b": [true, null, "x"]}"""u8.ToArray(),
            // Microseconds and a non-UTC offset: the instant must survive, not the wall-clock time.
            CreatedAt = new DateTimeOffset(2024, 5, 1, 14, 30, 15, 123, 456, TimeSpan.FromHours(2)),
            TraceId = "trace-1",
            CorrelationId = "correlation-1",
            CausationId = "causation-1",
        };

        await Db.AppendAsync(ExpectedVersion.NoStream, written);

        var read = (await Db.ReadStreamAsync(Order, id)).Events.ShouldHaveSingleItem();
        read.AggregateType.ShouldBe(Order);
        read.AggregateId.ShouldBe(id);
        read.AggregateVersion.ShouldBe(1);
        read.EventId.ShouldBe(written.EventId);
        read.EventType.ShouldBe("OrderShipped");
        read.EventVersion.ShouldBe(2);
        read.Payload.ShouldBe(written.Payload);
        Encoding.UTF8.GetString(read.Metadata!).ShouldBe("""{"a": 1, "b": [true, null, "x"]}""");
        read.CreatedAt.UtcTicks.ShouldBe(written.CreatedAt.UtcTicks);
        read.TraceId.ShouldBe(new NullString("trace-1"));
        read.CorrelationId.ShouldBe(new NullString("correlation-1"));
        read.CausationId.ShouldBe(new NullString("causation-1"));
    }

    [Test]
    public async Task Metadata_reads_back_as_the_same_JSON_value_though_jsonb_reformats_it()
    {
        var id = NewAggregateId();
        const string metadata = """ { "zeta" :1,"a":{ "list":[1, 2.50,"three"] } , "flag":false } """;
        var written = TestEvents.Valid(Order, id) with { Metadata = Encoding.UTF8.GetBytes(metadata) };

        await Db.AppendAsync(ExpectedVersion.NoStream, written);

        var read = (await Db.ReadStreamAsync(Order, id)).Events.ShouldHaveSingleItem();
        JsonNode.DeepEquals(JsonNode.Parse(read.Metadata), JsonNode.Parse(metadata)).ShouldBeTrue(Encoding.UTF8.GetString(read.Metadata!));
    }

    [Test]
    public async Task Unset_optional_fields_read_back_unset_and_an_empty_string_reads_back_as_a_value()
    {
        var id = NewAggregateId();
        var written = TestEvents.Valid(Order, id) with
        {
            Payload = [],
            Metadata = null,
            TraceId = "",
            CorrelationId = NullString.Null,
            CausationId = default,
        };

        await Db.AppendAsync(ExpectedVersion.NoStream, written);

        var read = (await Db.ReadStreamAsync(Order, id)).Events.ShouldHaveSingleItem();
        read.Payload.ShouldBeEmpty();
        read.Metadata.ShouldBeNull();
        read.TraceId.HasValue.ShouldBeTrue();
        read.TraceId.Value.ShouldBe("");
        read.CorrelationId.ShouldBe(NullString.Null);
        read.CausationId.ShouldBe(NullString.Null);
    }

    [Test]
    public async Task Sub_microsecond_ticks_are_cut_and_the_result_reports_the_time_a_read_returns()
    {
        var id = NewAggregateId();
        var createdAt = new DateTimeOffset(2024, 5, 1, 14, 30, 15, 123, 456, TimeSpan.FromHours(-5)).AddTicks(7);
        var written = TestEvents.Valid(Order, id) with { CreatedAt = createdAt };

        var result = await Db.AppendAsync(ExpectedVersion.NoStream, written);

        var read = (await Db.ReadStreamAsync(Order, id)).Events.ShouldHaveSingleItem();
        read.CreatedAt.UtcTicks.ShouldBe(createdAt.UtcTicks - 7);
        result.Events[0].CreatedAt.UtcTicks.ShouldBe(read.CreatedAt.UtcTicks);
    }

    [Test]
    public async Task The_result_reports_each_event_in_the_given_order_as_a_read_returns_it()
    {
        var id = NewAggregateId();
        var written = Events(Order, id, 3);

        var result = await Db.AppendAsync(ExpectedVersion.NoStream, written);

        result.FromVersion.ShouldBe(0);
        result.ToVersion.ShouldBe(3);
        result.Events.Select(e => e.EventId).ShouldBe(written.Select(e => e.EventId));
        result.Events.Select(e => e.AggregateVersion).ShouldBe([1L, 2L, 3L]);
        result.GlobalPositions.ShouldBe(result.Events.Select(e => e.GlobalPosition));
        var read = (await Db.ReadStreamAsync(Order, id)).Events;
        read.Count.ShouldBe(3);
        for (var index = 0; index < read.Count; index++)
        {
            read[index].Payload.ShouldBe(result.Events[index].Payload);
            // Record equality compares the byte arrays by reference; their content was compared above.
            (read[index] with { Payload = result.Events[index].Payload }).ShouldBe(result.Events[index]);
        }
    }

    [Test]
    public async Task A_later_append_continues_the_versions_and_gets_higher_positions()
    {
        var id = NewAggregateId();
        var first = await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 3));

        var second = await Db.AppendAsync(ExpectedVersion.Exact(3), Events(Order, id, 2));

        second.FromVersion.ShouldBe(3);
        second.ToVersion.ShouldBe(5);
        second.GlobalPositions[0].ShouldBeGreaterThan(first.GlobalPositions[^1]);
    }

    [Test]
    public async Task The_result_of_a_later_append_holds_only_its_own_events_and_not_the_earlier_history()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 3));
        var written = Events(Order, id, 2);

        var result = await Db.AppendAsync(ExpectedVersion.Exact(3), written);

        result.Events.Select(e => e.EventId).ShouldBe(written.Select(e => e.EventId));
        result.GlobalPositions.Count.ShouldBe(2);
    }

    [Test]
    public async Task Global_positions_increase_with_the_aggregate_version_within_one_append()
    {
        var id = NewAggregateId();

        var result = await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 50));

        var read = (await Db.ReadStreamAsync(Order, id)).Events;
        read.Select(e => e.GlobalPosition).ShouldBe(result.GlobalPositions);
        for (var index = 1; index < read.Count; index++)
        {
            read[index].GlobalPosition.ShouldBeGreaterThan(read[index - 1].GlobalPosition);
        }
    }

    [Test]
    public async Task An_append_of_100_events_gets_versions_1_to_100_in_the_given_order()
    {
        var id = NewAggregateId();
        var written = Events(Order, id, 100);

        var result = await Db.AppendAsync(ExpectedVersion.NoStream, written);

        result.FromVersion.ShouldBe(0);
        result.ToVersion.ShouldBe(100);
        var read = (await Db.ReadStreamAsync(Order, id)).Events;
        read.Select(e => e.AggregateVersion).ShouldBe(Contiguous(100));
        read.Select(e => e.EventId).ShouldBe(written.Select(e => e.EventId));
    }

    [Test]
    public async Task An_event_id_already_stored_raises_DuplicateEventException_naming_it_and_stores_nothing()
    {
        var id = NewAggregateId();
        var stored = TestEvents.Valid(Order, id);
        await Db.AppendAsync(ExpectedVersion.NoStream, stored);
        var retry = TestEvents.Valid(Order, id) with { EventId = stored.EventId };

        var duplicate = await Should.ThrowAsync<DuplicateEventException>(
            () => Db.AppendAsync(ExpectedVersion.Any, TestEvents.Valid(Order, id), retry));

        duplicate.EventId.ShouldBe(stored.EventId);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((1L, (long?)1));
        (await CountRowsWithEventIdAsync(Db, stored.EventId)).ShouldBe(1);
    }

    [Test]
    public async Task An_event_id_stored_under_another_aggregate_is_a_duplicate_too()
    {
        var other = TestEvents.Valid(Order, NewAggregateId());
        await Db.AppendAsync(ExpectedVersion.NoStream, other);
        var id = NewAggregateId();

        var duplicate = await Should.ThrowAsync<DuplicateEventException>(
            () => Db.AppendAsync(ExpectedVersion.NoStream, TestEvents.Valid(Order, id) with { EventId = other.EventId }));

        duplicate.EventId.ShouldBe(other.EventId);
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((0L, (long?)null));
    }

    [Test]
    public async Task An_event_id_committed_after_the_snapshot_was_taken_is_still_a_DuplicateEventException()
    {
        var stored = TestEvents.Valid(Order, NewAggregateId());
        var id = NewAggregateId();
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        // The first statement fixes the snapshot, so the append below cannot see the id and hits the unique constraint.
        await ExecuteAsync(transaction, "SELECT 1");
        await Db.AppendAsync(ExpectedVersion.NoStream, stored);

        var duplicate = await Should.ThrowAsync<DuplicateEventException>(() => Db.Store.AppendAsync(
            transaction, ExpectedVersion.NoStream, [TestEvents.Valid(Order, id) with { EventId = stored.EventId }]));

        duplicate.EventId.ShouldBe(stored.EventId);
        duplicate.InnerException.ShouldBeOfType<PostgresException>().SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
        await transaction.RollbackAsync();
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((0L, (long?)null));
    }

    [TestCase("{")]
    [TestCase("not json")]
    [TestCase("{\"a\": 1,}")]
    [TestCase("{\"a\": 1} {}")]
    [TestCase("")]
    [TestCase("{'a': 1}")]
    [TestCase("// a comment\n{}")]
    public async Task Metadata_that_is_not_valid_JSON_is_rejected_naming_the_event_and_nothing_is_stored(string metadata)
    {
        var id = NewAggregateId();
        var written = Events(Order, id, 3);
        written[1] = written[1] with { Metadata = Encoding.UTF8.GetBytes(metadata) };

        var invalid = await Should.ThrowAsync<ArgumentException>(() => Db.AppendAsync(ExpectedVersion.NoStream, written));

        invalid.ParamName.ShouldBe("events");
        invalid.Message.ShouldContain("index 1");
        invalid.Message.ShouldContain(written[1].EventId.ToString());
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((0L, (long?)null));
    }

    [TestCase(new byte[] { (byte)'"', 0xFF, (byte)'"' })]
    [TestCase(new byte[] { (byte)'"', 0xC3, (byte)'"' })]
    public async Task Metadata_that_is_not_UTF8_is_rejected_naming_the_event_and_nothing_is_stored(byte[] metadata)
    {
        var id = NewAggregateId();
        var written = TestEvents.Valid(Order, id) with { Metadata = metadata };

        var invalid = await Should.ThrowAsync<ArgumentException>(() => Db.AppendAsync(ExpectedVersion.NoStream, written));

        invalid.Message.ShouldContain(written.EventId.ToString());
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((0L, (long?)null));
    }

    // Valid JSON that jsonb refuses: PostgreSQL cannot hold NUL in text, nor an unpaired surrogate.
    [TestCase("""{"a": "\u0000"}""")]
    [TestCase("""{"a": "\ud800"}""")]
    public async Task Metadata_that_jsonb_cannot_store_is_rejected_naming_the_event_and_nothing_is_stored(string metadata)
    {
        var id = NewAggregateId();
        var written = TestEvents.Valid(Order, id) with { Metadata = Encoding.UTF8.GetBytes(metadata) };

        var invalid = await Should.ThrowAsync<ArgumentException>(() => Db.AppendAsync(ExpectedVersion.NoStream, written));

        invalid.Message.ShouldContain(written.EventId.ToString());
        (await AggregateStateAsync(Db, Order, id)).ShouldBe((0L, (long?)null));
    }
}
