namespace EventStore.Tests.Core;

public sealed class EventDefaultsTests
{
    [Test]
    public void An_event_has_schema_version_1_and_no_trace_ids_unless_set()
    {
        var @event = TestEvents.Valid();

        @event.EventVersion.ShouldBe(1);
        @event.Metadata.ShouldBeNull();
        @event.TraceId.HasValue.ShouldBeFalse();
        @event.CorrelationId.HasValue.ShouldBeFalse();
        @event.CausationId.HasValue.ShouldBeFalse();
    }

    [Test]
    public void A_persisted_event_has_schema_version_1_unless_set()
    {
        TestEvents.Persisted(1, 1).EventVersion.ShouldBe(1);
    }
}
