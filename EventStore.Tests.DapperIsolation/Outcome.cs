namespace EventStore.Tests.DapperIsolation;

/// <summary>What one operation did: the value it read, or the exception it raised, as text that compares exactly.</summary>
/// <param name="Operation">The operation's name, unique in its list.</param>
/// <param name="Result">The described value or exception.</param>
internal sealed record Outcome(string Operation, string Result);
