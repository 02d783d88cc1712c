namespace EventStore.Tests.Store;

/// <summary>
/// A partition of an events table as the catalog holds it: its name, its bounds, and the name pg_partman gives a
/// partition of that table starting at the same lower bound.
/// </summary>
internal sealed record CatalogPartition(string Name, long From, long To, string PartmanName);
