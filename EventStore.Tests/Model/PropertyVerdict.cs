using FsCheck;

namespace EventStore.Tests.Model;

/// <summary>FsCheck's verdict on a property, and its report with the seed that generated the programs.</summary>
internal sealed record PropertyVerdict(TestResult Result, string Report)
{
    /// <summary>The shrunk failing program, or null when the property held.</summary>
    public ConcurrentProgram? Counterexample => Result is TestResult.Failed failed ? (ConcurrentProgram)failed.Item3.Head : null;
}
