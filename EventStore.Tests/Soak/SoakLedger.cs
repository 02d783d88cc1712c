using System.Collections.Concurrent;

namespace EventStore.Tests.Soak;

/// <summary>What the soak workers did, from their side, shared by all of them.</summary>
internal sealed class SoakLedger(int killAfterAcknowledged)
{
    private readonly ConcurrentQueue<RecordedAppend> _appends = new();
    private readonly ConcurrentQueue<string> _readAnomalies = new();
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _acknowledged;
    private int _reads;
    private int _cancelledBefore;
    private int _cancelledDuring;
    private int _reconnects;

    public IReadOnlyList<RecordedAppend> Appends => _appends.ToList();

    public IReadOnlyList<string> ReadAnomalies => _readAnomalies.ToList();

    /// <summary>Completes once enough appends were acknowledged for a kill to land in the middle of the run.</summary>
    public Task WarmedUp => _warmedUp.Task;

    public int Reads => _reads;

    public int CancelledBefore => _cancelledBefore;

    public int CancelledDuring => _cancelledDuring;

    public int Reconnects => _reconnects;

    public void Record(RecordedAppend append)
    {
        _appends.Enqueue(append);
        if (append.Acknowledged && Interlocked.Increment(ref _acknowledged) == killAfterAcknowledged)
        {
            _warmedUp.SetResult();
        }
    }

    public void Read() => Interlocked.Increment(ref _reads);

    public void ReadAnomaly(string anomaly) => _readAnomalies.Enqueue(anomaly);

    public void Cancelled(bool inFlight) => Interlocked.Increment(ref inFlight ? ref _cancelledDuring : ref _cancelledBefore);

    public void Reconnected() => Interlocked.Increment(ref _reconnects);
}
