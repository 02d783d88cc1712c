namespace EventStore.Benchmarks;

/// <summary>One operation the growth run times at every log size, with the short key its chart file and JSON use.</summary>
internal sealed record GrowthOperation(string Key, string Title, int EventsPerOperation, bool Appends, Func<GrowthLog, Task> Run)
{
    public static readonly GrowthOperation AppendOne = new(
        "append-1", "Append 1 event per transaction to a new aggregate", 1, Appends: true, log => log.AppendAsync(1));

    public static readonly GrowthOperation AppendHundred = new(
        "append-100", "Append 100 events per transaction to a new aggregate", 100, Appends: true, log => log.AppendAsync(100));

    public static readonly GrowthOperation ReadStream = new(
        "read-stream", "Read a random loaded 10-event stream", GrowthLoader.EventsPerAggregate, Appends: false, log => log.ReadStreamAsync());

    public static readonly GrowthOperation Retry = new(
        "retry", "Append a random stored event again: an idempotent retry", 1, Appends: false, log => log.RetryAsync());

    public static readonly GrowthOperation Scan = new(
        "scan", $"Scan {GrowthLog.ScanEvents:N0} events from a random position in pages of {GrowthLog.ScanPage}", GrowthLog.ScanEvents, Appends: false, log => log.ScanAsync());

    public static readonly IReadOnlyList<GrowthOperation> All = [AppendOne, AppendHundred, ReadStream, Retry, Scan];

    /// <summary>The most an operation may slow down at the largest log on a partitioned table, as issue 16 asks.</summary>
    public double Target => Appends ? 1.2 : 1.5;
}
