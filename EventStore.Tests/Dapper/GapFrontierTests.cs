using EventStore.Dapper;

namespace EventStore.Tests.Dapper;

public sealed class GapFrontierTests
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Without_writers_the_frontier_is_the_last_position()
    {
        var frontier = new GapFrontier();

        frontier.Advance(Probe(42), Start).ShouldBe(42);
        frontier.OldestBlocker.ShouldBeNull();
    }

    [Test]
    public void A_writer_already_running_at_the_first_probe_holds_everything_back()
    {
        var frontier = new GapFrontier();

        frontier.Advance(Probe(42, "3/7"), Start).ShouldBe(0);
        frontier.OldestBlocker!.VirtualTransactionId.ShouldBe("3/7");
    }

    [Test]
    public void A_writer_first_seen_later_only_holds_back_positions_after_the_probe_before()
    {
        var frontier = new GapFrontier();
        frontier.Advance(Probe(10), Start);

        frontier.Advance(Probe(15, "3/7"), Start.AddSeconds(1)).ShouldBe(10);
        frontier.Advance(Probe(20, "3/7"), Start.AddSeconds(2)).ShouldBe(10);
    }

    [Test]
    public void When_the_writer_ends_the_frontier_moves_to_the_last_position()
    {
        var frontier = new GapFrontier();
        frontier.Advance(Probe(10), Start);
        frontier.Advance(Probe(15, "3/7"), Start);

        frontier.Advance(Probe(20), Start.AddSeconds(1)).ShouldBe(20);
        frontier.OldestBlocker.ShouldBeNull();
    }

    [Test]
    public void The_oldest_of_several_writers_decides()
    {
        var frontier = new GapFrontier();
        frontier.Advance(Probe(10), Start);
        frontier.Advance(Probe(15, "3/7"), Start);
        frontier.Advance(Probe(30, "3/7", "4/2"), Start);

        frontier.Advance(Probe(40, "4/2"), Start).ShouldBe(15);
        frontier.Advance(Probe(50), Start).ShouldBe(50);
    }

    [Test]
    public void A_writer_seen_after_a_probe_that_took_no_new_position_does_not_hold_anything_back()
    {
        var frontier = new GapFrontier();
        frontier.Advance(Probe(10), Start);

        frontier.Advance(Probe(10, "3/7"), Start).ShouldBe(10);
        frontier.OldestBlocker.ShouldBeNull();
    }

    [Test]
    public void The_blocker_keeps_the_time_it_was_first_seen_and_its_process()
    {
        var frontier = new GapFrontier();
        frontier.Advance(Probe(10), Start);
        frontier.Advance(new FrontierProbe(12, ["3/7"], [4242], LatePosition: null, Sequence: "events_global_position_seq", SequenceCache: 1, CheckpointEpoch: 1, OldestUnhandledAt: null), Start.AddSeconds(1));

        frontier.Advance(new FrontierProbe(14, ["3/7"], [4242], LatePosition: null, Sequence: "events_global_position_seq", SequenceCache: 1, CheckpointEpoch: 1, OldestUnhandledAt: null), Start.AddSeconds(9));

        frontier.OldestBlocker.ShouldBe(new GapFrontier.Writer("3/7", 4242, 10, Start.AddSeconds(1)));
    }

    [Test]
    public void A_sequence_that_goes_back_stops_the_frontier_with_an_exception_naming_both_values()
    {
        var frontier = new GapFrontier();
        frontier.Advance(Probe(40), Start);

        var refused = Should.Throw<UnsafeEventLogException>(() => frontier.Advance(Probe(3), Start.AddSeconds(1)));

        refused.Assumption.ShouldBe("sequence reset");
        refused.Message.ShouldContain("went back from 40 to 3");
        frontier.SafePosition.ShouldBe(40);
    }

    private static FrontierProbe Probe(long lastPosition, params string[] writers) =>
        new(lastPosition, writers, [.. writers.Select(_ => 0)], LatePosition: null, Sequence: "events_global_position_seq", SequenceCache: 1, CheckpointEpoch: 1, OldestUnhandledAt: null);
}
