namespace EventStore.Benchmarks;

/// <summary>
/// The settings of one benchmark server as the server itself reports them, so the report states what was measured
/// rather than what was asked for.
/// </summary>
internal sealed record ServerSettings(string Version, string Fsync, string FullPageWrites, string SynchronousCommit)
{
    /// <summary>The short name of the mode, for headings and chart labels.</summary>
    public string Mode => $"fsync {Fsync}";

    public bool Durable => Fsync == "on";

    public string Describe() =>
        $"fsync={Fsync}, full_page_writes={FullPageWrites}, synchronous_commit={SynchronousCommit}";
}
