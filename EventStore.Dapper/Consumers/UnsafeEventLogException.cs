namespace EventStore.Dapper;

/// <summary>
/// Raised by <see cref="ConsumerProcessor.RunAsync"/> when the event log is set up, or behaves, in a way that could
/// make a consumer skip a committed event. The processor stops instead of running on; see docs/consumers.md.
/// </summary>
/// <remarks>
/// The processor checks its assumptions on every probe of the log, so a setting changed while it runs stops it at the
/// next poll. Fix what <see cref="Assumption"/> names, as the message says, and start the processor again.
/// </remarks>
public sealed class UnsafeEventLogException : EventStoreException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="assumption">The assumption that does not hold, such as <c>sequence cache</c>.</param>
    /// <param name="message">What is wrong, why it could skip events, and how to fix it.</param>
    public UnsafeEventLogException(string assumption, string message)
        : base(message)
    {
        Assumption = assumption;
    }

    /// <summary>Gets the assumption that does not hold, as named in docs/consumers.md, such as <c>sequence cache</c>.</summary>
    public string Assumption { get; }
}
