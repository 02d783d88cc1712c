namespace EventStore.Benchmarks;

/// <summary>Every configuration measured on one server, with the settings that decide whether the log fits in memory.</summary>
internal sealed record GrowthServerResult(ServerSettings Settings, string SharedBuffers, string MaxWalSize, IReadOnlyList<GrowthSeries> Series);
