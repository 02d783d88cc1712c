namespace EventStore.Benchmarks;

/// <summary>Counts the events a catch-up consumer has handled, and completes when it has seen every expected one.</summary>
internal sealed class CatchUpProgress(int expected)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handled;

    /// <summary>Completes when the consumer has handled every expected event.</summary>
    public Task Done => _done.Task;

    public void Handled(int events)
    {
        if (Interlocked.Add(ref _handled, events) >= expected)
        {
            _done.TrySetResult();
        }
    }
}
