namespace EventStore.Tests.Core;

public sealed class EventBatchValidationTests
{
    [Test]
    public void A_valid_single_event_is_accepted()
    {
        Should.NotThrow(() => EventBatch.Validate([TestEvents.Valid()]));
    }

    [Test]
    public void Distinct_valid_events_for_one_aggregate_are_accepted()
    {
        Should.NotThrow(() => EventBatch.Validate([TestEvents.Valid(), TestEvents.Valid(), TestEvents.Valid()]));
    }

    [Test]
    public void A_null_list_throws()
    {
        var exception = Should.Throw<ArgumentNullException>(() => EventBatch.Validate(null!));

        exception.ParamName.ShouldBe("events");
    }

    [Test]
    public void An_empty_list_throws()
    {
        var exception = Should.Throw<ArgumentException>(() => EventBatch.Validate([]));

        exception.ShouldBeOfType<ArgumentException>();
        exception.ParamName.ShouldBe("events");
        exception.Message.ShouldContain("An append needs at least one event.");
    }

    [Test]
    public void A_null_event_throws_naming_its_index()
    {
        var exception = Should.Throw<ArgumentNullException>(() => EventBatch.Validate([TestEvents.Valid(), null!]));

        exception.ParamName.ShouldBe("events");
        exception.Message.ShouldContain("index 1");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void A_blank_aggregate_type_throws_naming_the_field_and_index(string? aggregateType)
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { AggregateType = aggregateType! });

        exception.Message.ShouldContain("AggregateType");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("\t")]
    public void A_blank_aggregate_id_throws_naming_the_field_and_index(string? aggregateId)
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { AggregateId = aggregateId! });

        exception.Message.ShouldContain("AggregateId");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase(" ")]
    public void A_blank_event_type_throws_naming_the_field_and_index(string? eventType)
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { EventType = eventType! });

        exception.Message.ShouldContain("EventType");
    }

    [Test]
    public void A_null_payload_throws_naming_the_field_and_index()
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { Payload = null! });

        exception.Message.ShouldContain("Payload");
    }

    [TestCase(0)]
    [TestCase(-3)]
    public void An_event_version_below_1_throws_naming_the_field_and_index(int eventVersion)
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { EventVersion = eventVersion });

        exception.Message.ShouldContain($"EventVersion {eventVersion}");
    }

    [Test]
    public void A_default_created_at_throws_naming_the_field_and_index()
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { CreatedAt = default });

        exception.Message.ShouldContain("CreatedAt");
    }

    [Test]
    public void An_empty_event_id_throws_naming_the_field_and_index()
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { EventId = Guid.Empty });

        exception.Message.ShouldContain("EventId");
    }

    [Test]
    public void An_optional_text_field_that_cannot_be_stored_throws_naming_the_field_and_index()
    {
        var exception = ShouldRejectSecondEvent(TestEvents.Valid() with { CausationId = "cause\0" });

        exception.Message.ShouldContain("has an invalid CausationId: it contains U+0000 at position 5");
    }

    [Test]
    public void Optional_text_fields_may_be_empty()
    {
        Should.NotThrow(() => EventBatch.Validate([TestEvents.Valid() with { TraceId = "", CorrelationId = "", CausationId = "" }]));
    }

    [Test]
    public void Events_of_another_aggregate_id_throw_naming_the_index_and_both_aggregates()
    {
        var exception = Should.Throw<ArgumentException>(() => EventBatch.Validate(
            [TestEvents.Valid("Order", "42"), TestEvents.Valid("Order", "42"), TestEvents.Valid("Order", "43")]));

        exception.ShouldBeOfType<ArgumentException>();
        exception.ParamName.ShouldBe("events");
        exception.Message.ShouldContain("index 2");
        exception.Message.ShouldContain("Order/43");
        exception.Message.ShouldContain("Order/42");
    }

    [Test]
    public void Events_of_another_aggregate_type_throw_naming_the_index_and_both_aggregates()
    {
        var exception = Should.Throw<ArgumentException>(() => EventBatch.Validate(
            [TestEvents.Valid("Order", "42"), TestEvents.Valid("Invoice", "42")]));

        exception.ShouldBeOfType<ArgumentException>();
        exception.ParamName.ShouldBe("events");
        exception.Message.ShouldContain("index 1");
        exception.Message.ShouldContain("Invoice/42");
        exception.Message.ShouldContain("Order/42");
    }

    [Test]
    public void Aggregates_are_compared_case_sensitively()
    {
        var exception = Should.Throw<ArgumentException>(() => EventBatch.Validate(
            [TestEvents.Valid("Order", "abc"), TestEvents.Valid("Order", "ABC")]));

        exception.Message.ShouldContain("Order/ABC");
    }

    [Test]
    public void The_same_event_id_twice_throws_a_duplicate_event_error_naming_the_id()
    {
        var first = TestEvents.Valid();
        var repeat = TestEvents.Valid() with { EventId = first.EventId };

        var exception = Should.Throw<DuplicateEventException>(() => EventBatch.Validate([first, TestEvents.Valid(), repeat]));

        exception.EventId.ShouldBe(first.EventId);
        exception.Message.ShouldContain(first.EventId.ToString());
        exception.Message.ShouldContain("indexes 0 and 2");
    }

    private static ArgumentException ShouldRejectSecondEvent(Event invalid)
    {
        var exception = Should.Throw<ArgumentException>(() => EventBatch.Validate([TestEvents.Valid(), invalid]));

        // Should.Throw also accepts derived types, but a blank field is not a null argument.
        exception.ShouldBeOfType<ArgumentException>();
        exception.ParamName.ShouldBe("events");
        exception.Message.ShouldContain("index 1");
        return exception;
    }
}
