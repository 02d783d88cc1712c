namespace EventStore.Tests.Model;

/// <summary>Counts what the generated programs did, to report it and to show that the runs really raced.</summary>
internal sealed class ModelTally
{
    public int Runs { get; private set; }

    public int Commands { get; private set; }

    public int Successes { get; private set; }

    /// <summary>Successes whose expected version was checked: <c>NoStream</c> or <c>Exact(n)</c>.</summary>
    public int CheckedSuccesses { get; private set; }

    public int ConflictsWithActual { get; private set; }

    public int ConflictsWithoutActual { get; private set; }

    public void Add(RunHistory history)
    {
        Runs++;
        Commands += history.Attempts.Count;
        Successes += history.Successes.Count();
        CheckedSuccesses += history.Successes.Count(attempt => !attempt.Command.Expected.IsAny);
        ConflictsWithActual += history.Conflicts.Count(attempt => attempt.Conflict!.ActualVersion is not null);
        ConflictsWithoutActual += history.Conflicts.Count(attempt => attempt.Conflict!.ActualVersion is null);
    }

    public override string ToString() =>
        $"{Runs} programs, {Commands} commands: {Successes} appended ({CheckedSuccesses} with a checked expected version), " +
        $"{ConflictsWithActual} conflicts with a known actual version, {ConflictsWithoutActual} with an unknown one.";
}
