using EventStore.Tests.Core;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Event-type filters, alone and with aggregate types: the database leaves the other events out, and the checkpoint
/// still moves across them.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class EventTypeFilterTests(ProcessorSetup setup)
{
    private const string Placed = "OrderPlaced";
    private const string Shipped = "Shipped";
    private const string Cancelled = "OrderCancelled";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_consumer_receives_only_its_event_types_in_position_order_and_with_aggregate_types_only_events_matching_both()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        await AppendMixedAsync(db, rounds: 6);
        var stored = await db.ReadAllAsync();
        // Shipped is listed twice: the type must still be read once.
        var byEvent = new ScopedSeenConsumer("by-event") { EventTypes = [Shipped, Cancelled, Shipped] };
        var byBoth = new ScopedSeenConsumer("by-both", "Order") { EventTypes = [Shipped] };

        // A batch smaller than each type's share, so batches stop short of the frontier and merge the types by position.
        db.Start("instance-a", db.ProcessorOptions with { BatchSize = 3 }, byEvent, byBoth);
        await db.WaitUntilCheckpointAsync("by-event", stored[^1].GlobalPosition, Bound);
        await db.WaitUntilCheckpointAsync("by-both", stored[^1].GlobalPosition, Bound);

        var expectedByEvent = Positions(stored.Where(e => e.EventType is Shipped or Cancelled));
        var expectedByBoth = Positions(stored.Where(e => e is { AggregateType: "Order", EventType: Shipped }));
        expectedByBoth.Count.ShouldBeLessThan(Positions(stored.Where(e => e.EventType == Shipped)).Count, "an invoice is shipped too");
        expectedByEvent.Count.ShouldBeGreaterThan(3);
        Positions(await db.SeenAsync("by-event")).ShouldBe(expectedByEvent);
        Positions(await db.SeenAsync("by-both")).ShouldBe(expectedByBoth);
        Positions(byEvent.Calls).ShouldBe(expectedByEvent, "every handler call, in call order");
        Positions(byBoth.Calls).ShouldBe(expectedByBoth, "every handler call, in call order");
        byEvent.Duplicates.ShouldBeEmpty();
        byBoth.Duplicates.ShouldBeEmpty();
    }

    [Test]
    public async Task A_consumer_whose_event_types_never_occur_moves_its_checkpoint_to_the_frontier_and_receives_nothing()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        await AppendMixedAsync(db, rounds: 8);
        var stored = await db.ReadAllAsync();
        var absent = new ScopedSeenConsumer("absent") { EventTypes = ["Refunded"] };
        // Both types occur, but never together.
        var disjoint = new ScopedSeenConsumer("disjoint", "Invoice") { EventTypes = [Placed] };

        db.Start("instance-a", db.ProcessorOptions with { BatchSize = 5 }, absent, disjoint);
        await db.WaitUntilCheckpointAsync("absent", stored[^1].GlobalPosition, Bound);
        await db.WaitUntilCheckpointAsync("disjoint", stored[^1].GlobalPosition, Bound);

        (await db.CheckpointAsync("absent")).ShouldNotBeNull().Position.ShouldBe(stored[^1].GlobalPosition);
        (await db.CheckpointAsync("disjoint")).ShouldNotBeNull().Position.ShouldBe(stored[^1].GlobalPosition);
        absent.Calls.ShouldBeEmpty();
        disjoint.Calls.ShouldBeEmpty();
        (await db.SeenAsync()).ShouldBeEmpty();
    }

    [Test]
    public async Task Events_of_other_types_that_commit_after_the_consumer_has_started_are_never_delivered()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var first = await db.AppendAsync(Order(NewId(), Shipped));
        var consumer = new ScopedSeenConsumer("shipping") { EventTypes = [Shipped] };
        db.Start("instance-a", consumer);
        await db.WaitUntilSeenAsync(first, Bound, "shipping");

        await AppendMixedAsync(db, rounds: 4);
        var last = await db.AppendAsync(Order(NewId(), Placed));
        await db.WaitUntilCheckpointAsync("shipping", last[^1].GlobalPosition, Bound);

        var stored = await db.ReadAllAsync();
        var started = first[^1].GlobalPosition;
        stored.ShouldContain(e => e.EventType != Shipped && e.GlobalPosition > started);
        var expected = Positions(stored.Where(e => e.EventType == Shipped));
        Positions(await db.SeenAsync("shipping")).ShouldBe(expected);
        consumer.Calls.ShouldAllBe(e => e.EventType == Shipped);
        Positions(consumer.Calls).ShouldBe(expected);
    }

    /// <summary>
    /// Each round appends, one transaction each, an order placed and then shipped, an invoice shipped, and every other
    /// round an order cancelled: two aggregate types and three event types, interleaved.
    /// </summary>
    private static async Task AppendMixedAsync(ConsumerDatabase db, int rounds)
    {
        for (var round = 0; round < rounds; round++)
        {
            var order = NewId();
            await db.AppendAsync(Order(order, Placed), Order(order, Shipped));
            await db.AppendAsync(EventOf("Invoice", NewId(), Shipped));
            if (round % 2 == 1)
            {
                await db.AppendAsync(Order(NewId(), Cancelled));
            }
        }
    }

    private static Event Order(string id, string eventType) => EventOf("Order", id, eventType);

    private static Event EventOf(string aggregateType, string id, string eventType) =>
        TestEvents.Valid(aggregateType, id) with { EventType = eventType };

    private static List<long> Positions(IEnumerable<PersistedEvent> events) => events.Select(e => e.GlobalPosition).ToList();

    private static List<long> Positions(IEnumerable<SeenRow> rows) => rows.Select(row => row.GlobalPosition).ToList();
}
