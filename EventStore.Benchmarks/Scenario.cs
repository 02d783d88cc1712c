namespace EventStore.Benchmarks;

/// <summary>A benchmark class with its title and how many events one operation moves.</summary>
internal sealed record Scenario(string Title, Type Benchmarks, int EventsPerOperation, string? Note = null);
