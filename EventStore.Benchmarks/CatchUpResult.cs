namespace EventStore.Benchmarks;

/// <summary>What one consumer's catch-up measured, on one server, in one round.</summary>
/// <param name="Server">The server, in one durability mode.</param>
/// <param name="Round">Which round of the run, from 1; each round runs every consumer once.</param>
/// <param name="Consumer">The consumer that caught up.</param>
/// <param name="Events">How many events it caught up over.</param>
/// <param name="BatchSize">The processor's batch size.</param>
/// <param name="Elapsed">From <c>RunAsync</c> until the handler had seen the last event.</param>
/// <param name="AllocatedBytes">Every byte the process allocated meanwhile.</param>
/// <param name="ProcessorTime">The CPU time the process used meanwhile, on all threads: the client's share of the work.</param>
/// <param name="Load">The machine's load averages over 1, 5 and 15 minutes when the run started, as uptime prints them.</param>
internal sealed record CatchUpResult(
    ServerSettings Server, int Round, CatchUpConsumerKind Consumer, int Events, int BatchSize, TimeSpan Elapsed, long AllocatedBytes, TimeSpan ProcessorTime, string Load)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;

    public double AllocatedPerEvent => (double)AllocatedBytes / Events;

    public double MicrosecondsOfCpuPerEvent => ProcessorTime.TotalMicroseconds / Events;
}
