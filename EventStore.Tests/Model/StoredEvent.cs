namespace EventStore.Tests.Model;

/// <summary>One row of the events table, read with plain SQL after a run.</summary>
/// <param name="Aggregate">Which of the run's aggregates it belongs to, from 1.</param>
/// <param name="Version">Its aggregate version.</param>
/// <param name="Position">Its global position.</param>
/// <param name="EventId">Its event id.</param>
internal sealed record StoredEvent(int Aggregate, long Version, long Position, Guid EventId);
