using System.Diagnostics;
using EventStore.Dapper;
using EventStore.Tests.Core;
using EventStore.Tests.Store;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Ecosystem;

/// <summary>The spans and metrics of <see cref="EventStoreDiagnostics"/>, observed with in-memory listeners.</summary>
public sealed class TelemetryTests : StoreFixture
{
    private TelemetryRecorder _recorder = null!;

    [OneTimeSetUp]
    public void Listen() => _recorder = new TelemetryRecorder();

    [OneTimeTearDown]
    public void StopListening() => _recorder.Dispose();

    [Test]
    public async Task An_append_is_one_span_with_its_type_count_expected_version_and_outcome_but_no_aggregate_id_or_payload()
    {
        var type = NewAggregateType();
        var id = NewAggregateId();

        await Db.AppendAsync(ExpectedVersion.NoStream, Events(type, id, 3));

        var span = _recorder.Spans(type).ShouldHaveSingleItem();
        span.OperationName.ShouldBe("eventstore.append");
        span.GetTagItem("eventstore.event_count").ShouldBe(3);
        span.GetTagItem("eventstore.expected_version").ShouldBe("NoStream");
        span.GetTagItem("eventstore.outcome").ShouldBe("appended");
        span.GetTagItem("db.system.name").ShouldBe("postgresql");
        span.Status.ShouldBe(ActivityStatusCode.Unset);
        span.TagObjects.ShouldNotContain(tag => Equals(tag.Value, id));
        span.TagObjects.Select(tag => tag.Key).ShouldBe(
            ["db.system.name", "eventstore.aggregate_type", "eventstore.event_count", "eventstore.expected_version", "eventstore.outcome"],
            ignoreOrder: true);
    }

    [Test]
    public async Task With_RecordAggregateIds_the_spans_carry_the_aggregate_id()
    {
        var store = new PostgresEventStore(Db.Options with { RecordAggregateIds = true });
        var type = NewAggregateType();
        var id = NewAggregateId();

        await Db.InTransactionAsync(async transaction =>
        {
            await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(type, id, 1));
            return await store.ReadAggregateStreamAsync(transaction, type, id);
        });

        _recorder.Spans(type).Select(span => span.GetTagItem("eventstore.aggregate_id")).ShouldBe([id, id]);
    }

    [Test]
    public async Task Appended_events_and_append_durations_are_counted_per_aggregate_type()
    {
        var type = NewAggregateType();

        await Db.AppendAsync(ExpectedVersion.NoStream, Events(type, NewAggregateId(), 2));
        await Db.AppendAsync(ExpectedVersion.Any, Events(type, NewAggregateId(), 5));

        _recorder.Sum("eventstore.events.appended", type).ShouldBe(7);
        var durations = _recorder.Measurements("eventstore.append.duration", type);
        durations.Count.ShouldBe(2);
        durations.ShouldAllBe(duration => duration.Value > 0 && Equals(duration.Tags["eventstore.outcome"], "appended"));
    }

    [Test]
    public async Task A_version_conflict_is_counted_and_its_span_says_conflict_without_marking_an_error()
    {
        var type = NewAggregateType();
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(type, id, 1));

        await Should.ThrowAsync<OptimisticConcurrencyException>(() => Db.AppendAsync(ExpectedVersion.NoStream, Events(type, id, 1)));

        _recorder.Sum("eventstore.append.conflicts", type).ShouldBe(1);
        var span = _recorder.Spans(type)[^1];
        span.GetTagItem("eventstore.outcome").ShouldBe("conflict");
        span.GetTagItem("error.type").ShouldBe(typeof(OptimisticConcurrencyException).FullName);
        span.Status.ShouldBe(ActivityStatusCode.Unset);
    }

    [Test]
    public async Task A_duplicate_event_id_is_counted_and_a_recognised_retry_is_not_counted_as_appended_again()
    {
        var type = NewAggregateType();
        var id = NewAggregateId();
        var events = Events(type, id, 2);
        await Db.AppendAsync(ExpectedVersion.NoStream, events);

        await Db.AppendAsync(ExpectedVersion.NoStream, events);
        await Should.ThrowAsync<DuplicateEventException>(
            () => Db.AppendAsync(ExpectedVersion.Any, [.. events, TestEvents.Valid(type, id)]));

        _recorder.Sum("eventstore.events.appended", type).ShouldBe(2);
        _recorder.Sum("eventstore.append.duplicates", type).ShouldBe(1);
        _recorder.Spans(type).Select(span => span.GetTagItem("eventstore.outcome")).ShouldBe(["appended", "retried", "duplicate"]);
    }

    [Test]
    public async Task Reads_are_spans_with_the_number_of_events_read_and_are_counted()
    {
        var type = NewAggregateType();
        var id = NewAggregateId();
        var appended = await Db.AppendAsync(ExpectedVersion.NoStream, Events(type, id, 4));

        await Db.InTransactionAsync(async transaction =>
        {
            await Db.Store.ReadAggregateStreamAsync(transaction, type, id, fromVersion: 2);
            return await Db.Store.ReadEventsAsync(transaction, appended.GlobalPositions[0] - 1, 4);
        });

        var stream = _recorder.Spans(type).Where(span => span.OperationName == "eventstore.read_stream").ShouldHaveSingleItem();
        stream.GetTagItem("eventstore.event_count").ShouldBe(3);
        _recorder.Sum("eventstore.events.read", type).ShouldBe(3);
        _recorder.SpansNamed("eventstore.read_events").ShouldContain(span => Equals(span.GetTagItem("eventstore.event_count"), 4));
    }

    [Test]
    public async Task Reading_the_latest_position_is_a_span_like_every_other_store_call_and_a_cancelled_one_is_an_error_span()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var spansBefore = _recorder.SpansNamed("eventstore.read_latest_position").Count;

        var latest = await Db.InTransactionAsync(transaction => Db.Store.GetLatestGlobalPositionAsync(transaction));
        await Should.ThrowAsync<OperationCanceledException>(
            () => Db.InTransactionAsync(transaction => Db.Store.GetLatestGlobalPositionAsync(transaction, cancelled.Token)));

        latest.ShouldBeGreaterThanOrEqualTo(0);
        var spans = _recorder.SpansNamed("eventstore.read_latest_position").Skip(spansBefore).ToList();
        spans.Count.ShouldBeGreaterThanOrEqualTo(2);
        spans.ShouldContain(span => span.Status == ActivityStatusCode.Error && Equals(span.GetTagItem("eventstore.outcome"), "error"));
    }

    [Test]
    public async Task An_append_that_fails_for_another_reason_is_an_error_span_with_the_exception_type()
    {
        var type = NewAggregateType();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => Db.InTransactionAsync(
            transaction => Db.Store.AppendAsync(transaction, ExpectedVersion.Any, Events(type, NewAggregateId(), 1), cancelled.Token)));

        var span = _recorder.Spans(type).ShouldHaveSingleItem();
        span.GetTagItem("eventstore.outcome").ShouldBe("error");
        span.Status.ShouldBe(ActivityStatusCode.Error);
        _recorder.Measurements("eventstore.append.duration", type).ShouldHaveSingleItem().Tags["eventstore.outcome"].ShouldBe("error");
    }

    private static string NewAggregateType() => "Telemetry" + Guid.NewGuid().ToString("N");
}
