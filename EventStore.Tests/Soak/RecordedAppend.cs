namespace EventStore.Tests.Soak;

/// <summary>One append a soak worker tried, and how it ended from the worker's side.</summary>
/// <param name="Worker">The worker that tried it.</param>
/// <param name="Generation">Which of the worker's connections it ran on, counting from 1; a reconnect starts the next.</param>
/// <param name="Events">The events it tried to append, in order.</param>
/// <param name="Result">The result, set only when the commit returned: the append is acknowledged.</param>
/// <param name="Failure">What ended it otherwise: a conflict, a cancellation, or a lost connection.</param>
internal sealed record RecordedAppend(int Worker, int Generation, IReadOnlyList<Event> Events, AppendResult? Result, Exception? Failure)
{
    public bool Acknowledged => Result is not null;
}
