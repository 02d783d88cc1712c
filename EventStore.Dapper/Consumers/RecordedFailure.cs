namespace EventStore.Dapper;

/// <summary>The checkpoint row after a failure was recorded on it.</summary>
/// <param name="Attempts">The counted failures of the event that failed last.</param>
/// <param name="Stopped">The consumer is stopped.</param>
internal readonly record struct RecordedFailure(int Attempts, bool Stopped);
