namespace EventStore.Benchmarks;

/// <summary>A whole growth run, as docs/benchmarks/growth.json keeps it so the report can be drawn again without measuring.</summary>
internal sealed record GrowthResults(
    DateTimeOffset Date, string Machine, string Runtime, long PartitionSize, long SeedEvents, int Rounds, double RoundSeconds, int AppendedPerRound,
    double TotalMinutes, IReadOnlyList<GrowthServerResult> Servers);
