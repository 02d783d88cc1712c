using EventStore.Consumers;

namespace EventStore.Benchmarks;

/// <summary>One of the consumers the catch-up run compares, each over the same events.</summary>
/// <param name="Key">A short name, for the consumer's checkpoint.</param>
/// <param name="Display">The name in the report and the chart.</param>
/// <param name="Create">Makes the consumer from its name, the aggregate type it reads and the progress it reports.</param>
internal sealed record CatchUpConsumerKind(string Key, string Display, Func<string, string, CatchUpProgress, IConsumer> Create)
{
    public static readonly CatchUpConsumerKind NoOp = new("no-op", "No-op", (name, type, progress) => new CountingConsumer(name, type, progress));

    public static readonly CatchUpConsumerKind RowPerEvent = new(
        "row-per-event", "Insert per event", (name, type, progress) => new RowPerEventConsumer(name, type, progress));

    public static readonly CatchUpConsumerKind BatchInsert = new(
        "batch-insert", "Batch insert (unnest)", (name, type, progress) => new BatchInsertConsumer(name, type, progress));

    public static readonly CatchUpConsumerKind BatchCopy = new(
        "batch-copy", "Batch COPY (binary)", (name, type, progress) => new BatchCopyConsumer(name, type, progress));

    /// <summary>
    /// In run order: the no-op first, as the baseline the others are divided by, and the batch handlers straight after
    /// it, so that the load other work puts on the machine changes little between the runs the target compares.
    /// </summary>
    public static readonly IReadOnlyList<CatchUpConsumerKind> All = [NoOp, BatchInsert, BatchCopy, RowPerEvent];
}
