using EventStore.Dapper;

namespace EventStore.Tests.Consumers;

/// <summary>How a test's processors share consumers and reach the server; the processor's contract holds for each.</summary>
/// <param name="LeaseMode">How instances agree on who processes a consumer.</param>
/// <param name="Route">How the processors and the test's writers reach the server.</param>
/// <param name="Schema">The shape of the event log.</param>
public sealed record ProcessorSetup(ConsumerLeaseMode LeaseMode, ServerRoute Route, LogSchema Schema = LogSchema.Plain)
{
    /// <summary>Advisory locks on direct connections, on a plain log: the default.</summary>
    public static readonly ProcessorSetup Default = new(ConsumerLeaseMode.AdvisoryLock, ServerRoute.Direct);

    /// <summary>Every setup the processor agrees to run on; behind a pooler only table leases are.</summary>
    public static IEnumerable<TestFixtureData> Supported =>
    [
        new TestFixtureData(Default),
        new TestFixtureData(new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.Direct)),
        new TestFixtureData(new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.PgBouncer)),
        new TestFixtureData(new ProcessorSetup(ConsumerLeaseMode.AdvisoryLock, ServerRoute.Direct, LogSchema.Partitioned)),
        new TestFixtureData(new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.PgBouncer, LogSchema.Partitioned)),
    ];

    /// <summary>Names the fixture in test results, e.g. "Table lease via PgBouncer".</summary>
    public override string ToString() => $"{LeaseMode} lease via {Route}, {Schema} log";
}
