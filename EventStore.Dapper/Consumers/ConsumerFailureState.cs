namespace EventStore.Dapper;

/// <summary>
/// A worker's view of its consumer's failures, for gauges: read from any thread, written by the worker as it locks or
/// writes the checkpoint row. It is what this instance last saw; the checkpoint row is the truth.
/// </summary>
internal sealed class ConsumerFailureState
{
    private volatile int _attempts;
    private volatile bool _stopped;

    /// <summary>How many counted attempts have failed on the event after the checkpoint; 0 when none has.</summary>
    public int Attempts => _attempts;

    /// <summary>The consumer stopped on a poison event and waits for <see cref="ConsumerAdmin.ResumeAsync"/>.</summary>
    public bool Stopped => _stopped;

    public void SetAttempts(int attempts) => _attempts = attempts;

    public void SetStopped(bool stopped) => _stopped = stopped;
}
