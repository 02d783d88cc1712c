using EventStore.Dapper;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>A scope that could never match, or that is missing, is refused when the processor is made, naming the consumer and the fix.</summary>
public sealed class ScopedConsumerValidationTests
{
    private static readonly string?[] Blank = [null, "", "  "];

    [TestCaseSource(nameof(Blank))]
    public async Task A_null_or_blank_event_type_is_refused_naming_the_consumer_and_the_fix(string? blank)
    {
        var consumer = new ScopedSeenConsumer("shipping") { EventTypes = ["Shipped", blank!] };

        var refusal = await RefusalAsync(consumer);

        refusal.Message.ShouldContain("Consumer shipping");
        refusal.Message.ShouldContain("EventTypes");
        refusal.Message.ShouldContain("Remove it");
    }

    [TestCaseSource(nameof(Blank))]
    public async Task A_null_or_blank_aggregate_type_is_refused_naming_the_consumer_and_the_fix(string? blank)
    {
        var consumer = new ScopedSeenConsumer("orders", "Order", blank!);

        var refusal = await RefusalAsync(consumer);

        refusal.Message.ShouldContain("Consumer orders");
        refusal.Message.ShouldContain("AggregateTypes");
        refusal.Message.ShouldContain("Remove it");
    }

    [Test]
    public async Task Null_event_types_or_aggregate_types_are_refused_with_the_empty_collection_as_the_fix()
    {
        var noEventTypes = await RefusalAsync(new ScopedSeenConsumer("shipping") { EventTypes = null! });
        var noAggregateTypes = await RefusalAsync(new ScopedSeenConsumer("orders") { AggregateTypes = null! });

        noEventTypes.Message.ShouldContain("Consumer shipping has null EventTypes");
        noAggregateTypes.Message.ShouldContain("Consumer orders has null AggregateTypes");
        noEventTypes.Message.ShouldContain("empty collection");
    }

    private static async Task<ArgumentException> RefusalAsync(ScopedSeenConsumer consumer)
    {
        // The processor checks its consumers before it connects, so the server named here is never reached.
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost;Database=never_opened");
        return Should.Throw<ArgumentException>(() => new ConsumerProcessor(dataSource, [consumer]));
    }
}
