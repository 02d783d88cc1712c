using EventStore.Dapper;

namespace EventStore.Tests.Consumers;

/// <summary>How a test's processors share consumers and reach the server; the processor's contract holds for each.</summary>
/// <param name="LeaseMode">How instances agree on who processes a consumer.</param>
/// <param name="Route">How the processors and the test's writers reach the server.</param>
public sealed record ProcessorSetup(ConsumerLeaseMode LeaseMode, ServerRoute Route)
{
    /// <summary>Advisory locks on direct connections: the default.</summary>
    public static readonly ProcessorSetup Default = new(ConsumerLeaseMode.AdvisoryLock, ServerRoute.Direct);

    /// <summary>Every setup the processor agrees to run on; behind a pooler only table leases are.</summary>
    public static IEnumerable<TestFixtureData> Supported =>
    [
        new TestFixtureData(Default),
        new TestFixtureData(new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.Direct)),
        new TestFixtureData(new ProcessorSetup(ConsumerLeaseMode.Table, ServerRoute.PgBouncer)),
    ];

    /// <summary>Names the fixture in test results, e.g. "Table lease via PgBouncer".</summary>
    public override string ToString() => $"{LeaseMode} lease via {Route}";
}
