namespace EventStore.Dapper;

/// <summary>A handler failure to record on the consumer's checkpoint row.</summary>
/// <param name="Position">The event it counts against; null for one that counts against no event: transient, or a whole batch's.</param>
/// <param name="Error">The exception's type and message, bounded; never the event's payload.</param>
/// <param name="StopAfter">Stop the consumer once the event has failed this many times; null never to stop it.</param>
internal sealed record FailureEntry(long? Position, string Error, int? StopAfter);
