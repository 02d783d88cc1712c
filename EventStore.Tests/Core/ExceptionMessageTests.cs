namespace EventStore.Tests.Core;

public sealed class ExceptionMessageTests
{
    [Test]
    public void A_concurrency_conflict_states_the_aggregate_and_both_versions()
    {
        var exception = new OptimisticConcurrencyException("Order", "42", ExpectedVersion.NoStream, 3);

        exception.Message.ShouldBe("Optimistic concurrency conflict on aggregate Order/42: expected NoStream, actual version 3.");
    }

    [Test]
    public void A_concurrency_conflict_with_an_unknown_actual_version_says_so()
    {
        var exception = new OptimisticConcurrencyException("Order", "42", ExpectedVersion.Exact(5), null);

        exception.Message.ShouldBe("Optimistic concurrency conflict on aggregate Order/42: expected Exact(5), actual version unknown.");
    }

    [Test]
    public void A_concurrency_conflict_carries_its_facts_and_cause()
    {
        var cause = new InvalidOperationException("unique violation");

        var exception = new OptimisticConcurrencyException("Order", "42", ExpectedVersion.Exact(5), 7, cause);

        exception.AggregateType.ShouldBe("Order");
        exception.AggregateId.ShouldBe("42");
        exception.ExpectedVersion.ShouldBe(ExpectedVersion.Exact(5));
        exception.ActualVersion.ShouldBe(7);
        exception.InnerException.ShouldBeSameAs(cause);
        exception.ShouldBeAssignableTo<EventStoreException>();
    }

    [Test]
    public void A_duplicate_event_names_the_event_id_by_default()
    {
        var eventId = Guid.NewGuid();

        var exception = new DuplicateEventException(eventId);

        exception.Message.ShouldContain(eventId.ToString());
        exception.EventId.ShouldBe(eventId);
        exception.ShouldBeAssignableTo<EventStoreException>();
    }

    [Test]
    public void A_duplicate_event_keeps_its_cause()
    {
        var cause = new InvalidOperationException("unique violation");

        var exception = new DuplicateEventException(Guid.NewGuid(), cause);

        exception.InnerException.ShouldBeSameAs(cause);
    }

    [Test]
    public void A_duplicate_event_with_a_custom_message_keeps_the_message_id_and_cause()
    {
        var eventId = Guid.NewGuid();
        var cause = new InvalidOperationException("unique violation");

        var exception = new DuplicateEventException(eventId, "custom message", cause);

        exception.Message.ShouldBe("custom message");
        exception.EventId.ShouldBe(eventId);
        exception.InnerException.ShouldBeSameAs(cause);
    }

    [Test]
    public void The_base_exception_keeps_its_message_and_cause()
    {
        var cause = new InvalidOperationException("cause");

        var exception = new EventStoreException("store failed", cause);

        exception.Message.ShouldBe("store failed");
        exception.InnerException.ShouldBeSameAs(cause);
        new EventStoreException("store failed").InnerException.ShouldBeNull();
    }
}
