using System.Globalization;

namespace EventStore.Dapper;

/// <summary>
/// Computes the safe frontier: the highest position below which every position is settled, either committed and
/// visible or never to appear. A writer holds the events table's write lock from before it takes a position until it
/// ends, so a writer first seen by a probe can only hold positions above the last position of the probe before.
/// The frontier stops below the oldest such bound among writers still running, and nothing is ever skipped on a timer.
/// See docs/consumers.md for the full argument.
/// </summary>
internal sealed class GapFrontier
{
    private readonly Dictionary<string, Writer> _writers = new(StringComparer.Ordinal);
    private long _previousLastPosition;

    /// <summary>The position up to which everything is settled, after the last <see cref="Advance"/>.</summary>
    public long SafePosition { get; private set; }

    /// <summary>The sequence's last value at the last <see cref="Advance"/>.</summary>
    public long LastPosition => _previousLastPosition;

    /// <summary>The writer that holds the frontier back, or null when nothing does.</summary>
    public Writer? OldestBlocker { get; private set; }

    /// <summary>Takes a probe into account and returns the new safe position.</summary>
    /// <param name="probe">A probe taken after every earlier one.</param>
    /// <param name="now">The time of the probe, to tell how long a writer has held the frontier back.</param>
    /// <exception cref="UnsafeEventLogException">The sequence went back, so positions below the frontier may be taken again.</exception>
    public long Advance(FrontierProbe probe, DateTimeOffset now)
    {
        if (probe.LastPosition < _previousLastPosition)
        {
            var from = _previousLastPosition.ToString(CultureInfo.InvariantCulture);
            var to = probe.LastPosition.ToString(CultureInfo.InvariantCulture);
            throw new UnsafeEventLogException("sequence reset", $"The events table's position sequence went back from {from} to {to} " +
                "(setval, ALTER SEQUENCE RESTART, or an unlogged sequence after a crash). Positions at or below the consumer's " +
                "checkpoint may be taken again, and the processor would never read them. Fix: set the sequence above the " +
                "highest stored position (SELECT setval(pg_get_serial_sequence('<events table>', 'global_position'), " +
                "max(global_position)) FROM <events table>), then start the processor again.");
        }

        var running = new HashSet<string>(probe.Writers, StringComparer.Ordinal);
        foreach (var ended in _writers.Keys.Where(writer => !running.Contains(writer)).ToList())
        {
            _writers.Remove(ended);
        }

        for (var index = 0; index < probe.Writers.Length; index++)
        {
            var id = probe.Writers[index];
            if (!_writers.ContainsKey(id))
            {
                // It was not writing at the previous probe, so every position it takes is above that probe's last one.
                _writers[id] = new Writer(id, probe.WriterProcessIds.ElementAtOrDefault(index), _previousLastPosition, now);
            }
        }

        _previousLastPosition = probe.LastPosition;
        OldestBlocker = _writers.Values
            .Where(writer => writer.PositionsAbove < probe.LastPosition)
            .MinBy(writer => writer.PositionsAbove);
        SafePosition = Math.Max(SafePosition, OldestBlocker?.PositionsAbove ?? probe.LastPosition);
        return SafePosition;
    }

    /// <summary>A transaction that may still write events.</summary>
    /// <param name="VirtualTransactionId">Its virtual transaction id, unique while it runs.</param>
    /// <param name="ProcessId">Its backend process, for reports; 0 for a prepared transaction.</param>
    /// <param name="PositionsAbove">Every position it can hold is above this one.</param>
    /// <param name="FirstSeen">When a probe first saw it.</param>
    internal sealed record Writer(string VirtualTransactionId, int ProcessId, long PositionsAbove, DateTimeOffset FirstSeen);
}
