namespace EventStore.Tests.Consumers;

/// <summary>The events of one committed transaction.</summary>
/// <param name="Events">The events its appends stored.</param>
/// <param name="CommittedAt">When its commit returned, from <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>.</param>
internal sealed record CommittedAppend(IReadOnlyList<PersistedEvent> Events, long CommittedAt);
