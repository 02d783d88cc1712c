namespace EventStore.Tests.DapperIsolation;

/// <summary>The program's output: the application's operations before and after the library was used, and what the library did in between.</summary>
/// <param name="Before">The application's operations before a store or processor existed.</param>
/// <param name="Library">The store's and the processor's own work, done with whatever mappings Dapper then had.</param>
/// <param name="After">The same operations, in the same order, after the store and the processor were built and used.</param>
internal sealed record IsolationReport(IReadOnlyList<Outcome> Before, IReadOnlyList<Outcome> Library, IReadOnlyList<Outcome> After);
