using System.Globalization;

namespace EventStore.Tests.Model;

/// <summary>What one command did, as its connection saw it: the append committed, or it raised a conflict.</summary>
/// <param name="Command">The command that ran.</param>
/// <param name="Events">The events it tried to append, in order.</param>
/// <param name="Result">The append's result when it committed, else <see langword="null"/>.</param>
/// <param name="Conflict">The conflict it raised, else <see langword="null"/>.</param>
internal sealed record Attempt(AppendCommand Command, IReadOnlyList<Event> Events, AppendResult? Result, OptimisticConcurrencyException? Conflict)
{
    public bool Succeeded => Result is not null;

    public override string ToString() => (Result, Conflict) switch
    {
        ({ } result, _) => string.Create(CultureInfo.InvariantCulture, $"{Command} ⇒ appended, version {result.FromVersion} to {result.ToVersion}"),
        (_, { ActualVersion: { } actual }) => string.Create(CultureInfo.InvariantCulture, $"{Command} ⇒ conflict, actual {actual}"),
        _ => $"{Command} ⇒ conflict, actual unknown",
    };
}
