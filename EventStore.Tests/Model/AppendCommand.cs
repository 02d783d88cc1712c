using System.Globalization;

namespace EventStore.Tests.Model;

/// <summary>One step of a generated program: connection <paramref name="Connection"/> appends events to one aggregate.</summary>
/// <param name="Connection">The connection that runs it, from 1; each connection runs its commands in order.</param>
/// <param name="Aggregate">Which of the run's aggregates it appends to, from 1.</param>
/// <param name="Expected">The expected version it appends with.</param>
/// <param name="EventCount">How many events it appends in one call.</param>
internal sealed record AppendCommand(int Connection, int Aggregate, ExpectedVersion Expected, int EventCount)
{
    /// <summary>Reads like <c>c2: Exact(3) ×2 → agg-1</c>, so a shrunk counterexample can be replayed by eye.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"c{Connection}: {Expected} ×{EventCount} → agg-{Aggregate}");
}
