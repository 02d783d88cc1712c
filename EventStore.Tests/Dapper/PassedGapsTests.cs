using EventStore.Dapper;
using EventStore.Tests.Core;

namespace EventStore.Tests.Dapper;

public sealed class PassedGapsTests
{
    [Test]
    public void A_batch_records_every_run_of_positions_it_passed_without_an_event()
    {
        var gaps = new PassedGaps();

        gaps.Record(after: 0, through: 30, Delivered(1, 21, 22, 25));

        gaps.Lows.ShouldBe([2L, 23, 26]);
        gaps.Highs.ShouldBe([20L, 24, 30]);
    }

    [Test]
    public void A_batch_without_events_records_its_whole_range_and_a_batch_without_gaps_records_nothing()
    {
        var gaps = new PassedGaps();

        gaps.Record(after: 10, through: 14, []);
        gaps.Record(after: 14, through: 16, Delivered(15, 16));

        gaps.Lows.ShouldBe([11L]);
        gaps.Highs.ShouldBe([14L]);
    }

    [Test]
    public void Past_its_capacity_the_oldest_gaps_are_forgotten_first()
    {
        var gaps = new PassedGaps();

        for (var batch = 0L; batch < PassedGaps.Capacity + 2; batch++)
        {
            gaps.Record(after: batch * 10, through: (batch * 10) + 10, Delivered((batch * 10) + 10));
        }

        gaps.Lows.Length.ShouldBe(PassedGaps.Capacity);
        gaps.Lows[0].ShouldBe(21);
        gaps.Highs[^1].ShouldBe(((PassedGaps.Capacity + 1) * 10L) + 9);
    }

    private static PersistedEvent[] Delivered(params long[] positions) =>
        [.. positions.Select(position => TestEvents.Persisted(aggregateVersion: position, globalPosition: position))];
}
