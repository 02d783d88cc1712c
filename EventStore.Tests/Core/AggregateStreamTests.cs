namespace EventStore.Tests.Core;

public sealed class AggregateStreamTests
{
    [Test]
    public void An_empty_stream_has_version_zero_and_no_events()
    {
        var stream = new AggregateStream("Order", "42", []);

        stream.Version.ShouldBe(0);
        stream.IsEmpty.ShouldBeTrue();
        stream.Count.ShouldBe(0);
    }

    [Test]
    public void The_version_is_the_aggregate_version_of_the_last_event()
    {
        var stream = new AggregateStream(
            "Order",
            "42",
            [TestEvents.Persisted(3, 10), TestEvents.Persisted(4, 11), TestEvents.Persisted(6, 15)]);

        stream.Version.ShouldBe(6);
    }

    [Test]
    public void A_stream_with_events_is_not_empty_and_counts_them()
    {
        var stream = new AggregateStream("Order", "42", [TestEvents.Persisted(1, 1), TestEvents.Persisted(2, 2)]);

        stream.IsEmpty.ShouldBeFalse();
        stream.Count.ShouldBe(2);
    }
}
