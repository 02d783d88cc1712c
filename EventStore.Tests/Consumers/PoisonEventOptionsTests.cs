using EventStore.Dapper;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>Poison-event options that cannot work are refused when the processor is made, naming the setting and the fix.</summary>
public sealed class PoisonEventOptionsTests
{
    [TestCase(0)]
    [TestCase(-1)]
    public async Task MaxAttempts_below_1_is_refused(int maxAttempts)
    {
        var refusal = await RefusalAsync(new ConsumerProcessorOptions { MaxAttempts = maxAttempts });

        refusal.Message.ShouldContain($"MaxAttempts is {maxAttempts}");
        refusal.Message.ShouldContain("Set MaxAttempts to 1 or more");
    }

    [Test]
    public async Task A_PoisonEventHandling_that_is_not_defined_is_refused()
    {
        var refusal = await RefusalAsync(new ConsumerProcessorOptions { PoisonEventHandling = (PoisonEventHandling)7 });

        refusal.Message.ShouldContain("PoisonEventHandling 7");
        refusal.Message.ShouldContain("use Stop or DeadLetter");
    }

    [Test]
    public void The_defaults_stop_after_10_attempts()
    {
        var options = new ConsumerProcessorOptions();

        options.MaxAttempts.ShouldBe(10);
        options.PoisonEventHandling.ShouldBe(PoisonEventHandling.Stop);
    }

    private static async Task<ArgumentException> RefusalAsync(ConsumerProcessorOptions options)
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        return Should.Throw<ArgumentException>(() => new ConsumerProcessor(dataSource, [new SeenConsumer()], options));
    }
}
