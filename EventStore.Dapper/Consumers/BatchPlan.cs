namespace EventStore.Dapper;

/// <summary>What a batch does with the events it read, and where it leaves the checkpoint.</summary>
/// <param name="Events">The events to hand to the handler; empty when the batch dead-letters an event.</param>
/// <param name="Reached">The checkpoint the batch saves.</param>
/// <param name="DeadLetter">The poison event the batch records as a dead letter instead of handling it, or null.</param>
internal sealed record BatchPlan(IReadOnlyList<PersistedEvent> Events, long Reached, PersistedEvent? DeadLetter)
{
    /// <summary>Every event the batch moves the checkpoint over, handled or dead-lettered.</summary>
    public IReadOnlyList<PersistedEvent> Passed => DeadLetter is null ? Events : [DeadLetter];
}
