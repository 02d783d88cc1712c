namespace EventStore.Benchmarks;

/// <summary>
/// One log size of one configuration: the size asked for, the events the log held when the timing began and when it
/// ended (the appends grow it), what loading to it cost, and the measurements.
/// </summary>
internal sealed record GrowthPoint(
    long Size, long Events, long EventsAfter, long Loaded, double LoadSeconds, double MaintenanceSeconds, long DatabaseBytes, IReadOnlyList<GrowthMeasurement> Measurements)
{
    public GrowthMeasurement? Find(string operation) => Measurements.FirstOrDefault(measurement => measurement.Operation == operation);

    /// <summary>How many times slower <paramref name="operation"/> is here than on the baseline log (<see cref="GrowthMeasurement.Slowdown"/>).</summary>
    public double Slowdown(string operation) => Find(operation)?.Slowdown ?? double.NaN;
}
