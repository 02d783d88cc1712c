namespace EventStore.Tests.Core;

public sealed class AppendResultTests
{
    [Test]
    public void An_empty_result_has_versions_zero()
    {
        var result = new AppendResult([], []);

        result.FromVersion.ShouldBe(0);
        result.ToVersion.ShouldBe(0);
    }

    [Test]
    public void A_result_that_created_the_aggregate_moves_it_from_version_0()
    {
        var result = new AppendResult([TestEvents.Persisted(1, 20)], [20]);

        result.FromVersion.ShouldBe(0);
        result.ToVersion.ShouldBe(1);
    }

    [Test]
    public void A_single_event_result_moves_the_aggregate_from_the_version_before_it_to_its_version()
    {
        var result = new AppendResult([TestEvents.Persisted(4, 20)], [20]);

        result.FromVersion.ShouldBe(3);
        result.ToVersion.ShouldBe(4);
    }

    [Test]
    public void A_result_spans_from_the_version_before_the_first_event_to_the_last_event_version()
    {
        var result = new AppendResult(
            [TestEvents.Persisted(4, 20), TestEvents.Persisted(5, 23), TestEvents.Persisted(6, 24)],
            [20, 23, 24]);

        result.FromVersion.ShouldBe(3);
        result.ToVersion.ShouldBe(6);
        (result.ToVersion - result.FromVersion).ShouldBe(result.Events.Count);
    }
}
