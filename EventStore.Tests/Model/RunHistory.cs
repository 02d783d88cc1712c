namespace EventStore.Tests.Model;

/// <summary>A program, what each of its commands did, and what the events table held for its aggregates afterwards.</summary>
internal sealed record RunHistory(ConcurrentProgram Program, IReadOnlyList<Attempt> Attempts, IReadOnlyList<StoredEvent> Stored)
{
    public IEnumerable<Attempt> Successes => Attempts.Where(attempt => attempt.Succeeded);

    public IEnumerable<Attempt> Conflicts => Attempts.Where(attempt => !attempt.Succeeded);

    /// <summary>The stored rows of one aggregate in version order.</summary>
    public IReadOnlyList<StoredEvent> Stream(int aggregate) =>
        Stored.Where(row => row.Aggregate == aggregate).OrderBy(row => row.Version).ToList();

    public override string ToString() =>
        "Outcomes:" + Environment.NewLine + string.Join(Environment.NewLine, Attempts.Select(attempt => "  " + attempt));
}
