namespace EventStore.Dapper;

/// <summary>
/// Raised by a read that would skip events of an archived partition (see
/// <see cref="PostgresEventStore.ArchivePartitionsAsync"/>): the read fails instead of returning a stream or a page of the
/// log with a hole in it. The server raised it, so the caller's transaction is aborted and must be rolled back.
/// </summary>
/// <remarks>
/// The message names the partition, the positions it held and when it was detached, and how to attach it again.
/// </remarks>
public sealed class ArchivedEventsException : EventStoreException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What was archived, and how to read it again.</param>
    /// <param name="partition">The detached partition, as the archive table names it.</param>
    /// <param name="innerException">The server's error.</param>
    public ArchivedEventsException(string message, string partition, Exception? innerException)
        : base(message, innerException)
    {
        Partition = partition;
    }

    /// <summary>Gets the detached partition that holds the events the read needed, as the archive table names it.</summary>
    public string Partition { get; }
}
