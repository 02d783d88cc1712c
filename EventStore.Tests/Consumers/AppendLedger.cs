using System.Collections.Concurrent;
using System.Diagnostics;

namespace EventStore.Tests.Consumers;

/// <summary>
/// What racing writers did, from their side: an append counts as committed only once its commit has returned, and
/// as rolled back once its rollback has. The consumer's <c>seen</c> table must end up equal to the committed side.
/// </summary>
internal sealed class AppendLedger
{
    private readonly ConcurrentQueue<CommittedAppend> _committed = new();
    private readonly ConcurrentQueue<Guid> _rolledBack = new();

    public IReadOnlyList<CommittedAppend> CommittedAppends => _committed.ToList();

    public IReadOnlyList<PersistedEvent> CommittedEvents => _committed.SelectMany(append => append.Events).ToList();

    public IReadOnlySet<Guid> CommittedIds => CommittedEvents.Select(e => e.EventId).ToHashSet();

    public IReadOnlySet<Guid> RolledBackIds => _rolledBack.ToHashSet();

    public void Committed(IEnumerable<AppendResult> appends) =>
        _committed.Enqueue(new CommittedAppend(appends.SelectMany(append => append.Events).ToList(), Stopwatch.GetTimestamp()));

    public void RolledBack(IEnumerable<AppendResult> appends)
    {
        foreach (var e in appends.SelectMany(append => append.Events))
        {
            _rolledBack.Enqueue(e.EventId);
        }
    }
}
