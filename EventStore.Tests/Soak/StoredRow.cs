namespace EventStore.Tests.Soak;

/// <summary>One row of the events table, read with plain SQL after the soak.</summary>
internal sealed record StoredRow(string AggregateId, long Version, long Position, Guid EventId);
