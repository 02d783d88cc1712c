using System.Globalization;

namespace EventStore.Tests.Model;

/// <summary>
/// What must hold after any concurrent program, judged from the outcomes the connections saw and the rows stored.
/// Each check returns a description of its first violation, or null.
/// </summary>
internal static class AppendInvariants
{
    private static readonly (string Invariant, Func<RunHistory, string?> Check)[] All =
    [
        ("versions are contiguous from 1", VersionsAreContiguous),
        ("global positions increase with version", PositionsIncreaseWithVersion),
        ("each event id is stored once", EventIdsAreStoredOnce),
        ("every success matches its expected version", SuccessesMatchExpectations),
        ("every success's events are stored at its versions and positions", SuccessesAreStored),
        ("no event of a conflicting append is stored", ConflictsStoreNothing),
        ("every conflict is justified by the history", ConflictsAreJustified),
        ("replaying the successes in version order through the model gives the stored streams", ReplayGivesStoredStreams),
    ];

    /// <summary>Throws a <see cref="ModelViolationException"/> naming the first invariant <paramref name="history"/> breaks.</summary>
    public static void Check(RunHistory history)
    {
        foreach (var (invariant, check) in All)
        {
            if (check(history) is { } violation)
            {
                throw new ModelViolationException(
                    $"Invariant violated: {invariant}: {violation}{Environment.NewLine}{history}");
            }
        }
    }

    private static string? VersionsAreContiguous(RunHistory history) => Aggregates()
        .Select(aggregate => (aggregate, versions: history.Stream(aggregate).Select(row => row.Version).ToList()))
        .Where(stream => !stream.versions.SequenceEqual(Enumerable.Range(1, stream.versions.Count).Select(version => (long)version)))
        .Select(stream => $"agg-{stream.aggregate} holds versions {string.Join(",", stream.versions)}")
        .FirstOrDefault();

    private static string? PositionsIncreaseWithVersion(RunHistory history) => Aggregates()
        .SelectMany(aggregate => history.Stream(aggregate).Zip(history.Stream(aggregate).Skip(1)))
        .Where(pair => pair.Second.Position <= pair.First.Position)
        .Select(pair => Format($"agg-{pair.First.Aggregate} version {pair.Second.Version} is at position {pair.Second.Position}, not above {pair.First.Position}"))
        .FirstOrDefault();

    private static string? EventIdsAreStoredOnce(RunHistory history) => history.Stored
        .GroupBy(row => row.EventId)
        .Where(rows => rows.Count() > 1)
        .Select(rows => $"event {rows.Key} is stored {rows.Count()} times")
        .FirstOrDefault();

    private static string? SuccessesMatchExpectations(RunHistory history) => history.Successes
        .Where(attempt => !MatchesExpectation(attempt))
        .Select(attempt => $"{attempt} does not fit its expected version and batch")
        .FirstOrDefault();

    private static bool MatchesExpectation(Attempt attempt)
    {
        var result = attempt.Result!;
        var versionsFit = attempt.Command.Expected.IsAny || result.FromVersion == attempt.Command.Expected.Value;
        return versionsFit
            && result.FromVersion >= 0
            && result.ToVersion - result.FromVersion == attempt.Events.Count
            && result.Events.Select(e => e.EventId).SequenceEqual(attempt.Events.Select(e => e.EventId))
            && result.Events.Select(e => e.GlobalPosition).SequenceEqual(result.GlobalPositions);
    }

    private static string? SuccessesAreStored(RunHistory history) => history.Successes
        .Where(attempt => !IsStoredAsReported(history, attempt))
        .Select(attempt => $"{attempt} is not stored as its result reports")
        .FirstOrDefault();

    private static bool IsStoredAsReported(RunHistory history, Attempt attempt)
    {
        var result = attempt.Result!;
        var rows = history.Stream(attempt.Command.Aggregate)
            .Where(row => row.Version > result.FromVersion && row.Version <= result.ToVersion)
            .ToList();
        return rows.Select(row => row.EventId).SequenceEqual(attempt.Events.Select(e => e.EventId))
            && rows.Select(row => row.Position).SequenceEqual(result.GlobalPositions);
    }

    private static string? ConflictsStoreNothing(RunHistory history)
    {
        var stored = history.Stored.Select(row => row.EventId).ToHashSet();
        return history.Conflicts
            .Where(attempt => attempt.Events.Any(e => stored.Contains(e.EventId)))
            .Select(attempt => $"{attempt} left events behind")
            .FirstOrDefault();
    }

    private static string? ConflictsAreJustified(RunHistory history) => history.Conflicts
        .Select(attempt => WhyUnjustified(history, attempt) is { } reason ? $"{attempt}: {reason}" : null)
        .FirstOrDefault(reason => reason is not null);

    /// <summary>
    /// A known actual version must differ from the expected one and be a version the aggregate really passed through.
    /// An unknown one means the head moved while this append waited for it, so another success took the next slot.
    /// </summary>
    private static string? WhyUnjustified(RunHistory history, Attempt attempt)
    {
        var command = attempt.Command;
        var conflict = attempt.Conflict!;
        if (command.Expected.IsAny)
        {
            return "Any never conflicts";
        }

        if (conflict.ExpectedVersion != command.Expected || conflict.AggregateId != attempt.Events[0].AggregateId)
        {
            return Format($"it reports {conflict.AggregateId} at {conflict.ExpectedVersion}");
        }

        var successes = history.Successes.Where(success => success.Command.Aggregate == command.Aggregate).ToList();
        return conflict.ActualVersion switch
        {
            { } actual when actual == command.Expected.Value => "the actual version equals the expected one",
            { } actual when actual != 0 && !successes.Any(success => success.Result!.ToVersion == actual) =>
                "the aggregate never was at the actual version",
            null when !successes.Any(success => success.Result!.FromVersion == command.Expected.Value) =>
                "no other append took the version after the expected one",
            _ => null,
        };
    }

    private static string? ReplayGivesStoredStreams(RunHistory history)
    {
        var model = new StreamModel();
        var inVersionOrder = history.Successes.OrderBy(attempt => attempt.Command.Aggregate).ThenBy(attempt => attempt.Result!.FromVersion);
        foreach (var attempt in inVersionOrder)
        {
            var fromVersion = model.TryAppend(attempt.Command.Aggregate, attempt.Command.Expected, attempt.Events.Select(e => e.EventId));
            if (fromVersion != attempt.Result!.FromVersion)
            {
                return Format($"{attempt} replays to version {fromVersion?.ToString(CultureInfo.InvariantCulture) ?? "conflict"}");
            }
        }

        return Aggregates()
            .Where(aggregate => !model.Events(aggregate).SequenceEqual(history.Stream(aggregate).Select(row => row.EventId)))
            .Select(aggregate => $"agg-{aggregate} stores {history.Stream(aggregate).Count} events, the model {model.Events(aggregate).Count}")
            .FirstOrDefault();
    }

    private static IEnumerable<int> Aggregates() => Enumerable.Range(1, ProgramGenerator.Aggregates);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
