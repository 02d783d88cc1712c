namespace EventStore.Benchmarks;

/// <summary>
/// A benchmark class with its title, the short label its charts use, how many events one operation moves, and whether
/// it appends: appends run on a server with fsync off and again on one with fsync on, since a commit's flush is part of
/// what they cost.
/// </summary>
internal sealed record Scenario(string Title, string Label, Type Benchmarks, int EventsPerOperation, bool Appends, string? Note = null);
