namespace EventStore.Dapper;

/// <summary>
/// The positions a consumer passed without an event at them: gaps left by rollbacks, or so the argument says. Under the
/// argument's assumptions a passed gap stays empty forever, so each probe looks into the most recent ones, and an
/// event found there means an assumption broke (see "Tripwires" in docs/consumers.md).
/// </summary>
/// <remarks>
/// Only consumers that read the whole log know their gaps; a scoped consumer reads past other types' events unseen.
/// The list is bounded, so memory and the probe stay small, and a gap filled long after it was passed can go unnoticed.
/// </remarks>
internal sealed class PassedGaps
{
    /// <summary>How many gaps are kept; older ones are forgotten first.</summary>
    public const int Capacity = 256;

    private readonly Queue<(long Low, long High)> _gaps = new();

    public long[] Lows { get; private set; } = [];

    public long[] Highs { get; private set; } = [];

    /// <summary>Records the gaps of a batch that covered every position in (<paramref name="after"/>, <paramref name="through"/>].</summary>
    /// <param name="after">The checkpoint the batch started from.</param>
    /// <param name="through">The checkpoint the batch saved.</param>
    /// <param name="delivered">The events the batch delivered, in position order.</param>
    public void Record(long after, long through, IReadOnlyList<PersistedEvent> delivered)
    {
        var added = false;
        var next = after + 1;
        foreach (var @event in delivered)
        {
            added |= Add(next, @event.GlobalPosition - 1);
            next = @event.GlobalPosition + 1;
        }

        added |= Add(next, through);
        if (added)
        {
            Lows = [.. _gaps.Select(gap => gap.Low)];
            Highs = [.. _gaps.Select(gap => gap.High)];
        }
    }

    private bool Add(long low, long high)
    {
        if (low > high)
        {
            return false;
        }

        if (_gaps.Count == Capacity)
        {
            _gaps.Dequeue();
        }

        _gaps.Enqueue((low, high));
        return true;
    }
}
