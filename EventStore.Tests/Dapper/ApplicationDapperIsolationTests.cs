using EventStore.Tests.DapperIsolation;

namespace EventStore.Tests.Dapper;

/// <summary>
/// Dapper's type map is process-wide, and so is any change a library makes to it. Whether building the store leaves an
/// application's own Dapper calls alone can only be seen in a process nothing else has configured, so each test runs
/// EventStore.Tests.DapperIsolation on a fresh database: it runs a fixed list of an application's Dapper calls, builds
/// and uses a store and a processor, then runs the list again.
/// </summary>
public sealed class ApplicationDapperIsolationTests
{
    /// <summary>Every operation the program must report, in order, so a shortened or empty list cannot pass.</summary>
    private static readonly string[] Operations =
    [
        "Guid parameter compared with a uuid",
        "Guid parameter's server type",
        "Guid read from uuid",
        "Guid? null parameter",
        "Guid? read from uuid",
        "Guid? read from NULL",
        "Guid? property read from NULL",
        "Guid read from text",
        "Guid property read from text",
        "Guid read from 16-byte bytea",
        "Guid property read from 16-byte bytea",
        "DateTimeOffset +00:00 parameter written",
        "DateTimeOffset +02:00 parameter written",
        "DateTimeOffset parameter's server type",
        "DateTimeOffset read from timestamptz",
        "DateTimeOffset read from timestamp without time zone",
        "DateTimeOffset? read from NULL",
        "DateTimeOffset property read from timestamptz",
        "DateTimeOffset property read from timestamp without time zone",
        "record with a DateTimeOffset constructor parameter",
        "DateTime UTC parameter round trip through timestamptz",
        "DateTime unspecified parameter written to timestamp",
        "DateTime read from timestamp without time zone",
        "null string parameter",
        "string read from NULL text",
        "= ANY(@ids) with a Guid array",
        "= ANY(@ids) with a Guid list",
        "IN @ids with a Guid list",
        "IN @ids with an int list",
        "IN @ats with a +00:00 DateTimeOffset list",
        "IN @ats with a +02:00 DateTimeOffset list",
        "= ANY(@ats) with a +02:00 DateTimeOffset array",
        "int[] read",
        "Guid[] read from uuid[]",
        "string[] parameter",
        "dynamic row",
        "record with Guid and nullable string",
        "class with Guid?, DateTime and string",
        "insert with Guid, DateTimeOffset and null parameters, read back",
    ];

    /// <summary>The store's and the processor's own work, which must succeed whatever mappings the application chose.</summary>
    private static readonly Outcome[] LibraryOutcomes =
    [
        new("append", "from version 0 to 3, positions 1, 2, 3"),
        new("read stream", "3 events, as appended"),
        new("read events", "3 events, as appended"),
        new("latest global position", "3"),
        new("consumer", "handled positions 1, 2, 3"),
    ];

    /// <summary>
    /// What <see cref="global::EventStore.Dapper.EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings"/>
    /// documents, as the outcomes that change and what they become; every other outcome stays as it was.
    /// </summary>
    private static readonly Outcome[] OptInChanges =
    [
        new("Guid read from text", "Guid 6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
        new("Guid property read from text", "Guid 6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
        new("Guid read from 16-byte bytea", "Guid 6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
        new("Guid property read from 16-byte bytea", "Guid 6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
        new("DateTimeOffset +02:00 parameter written", "string \"2024-05-01 12:00:00\""),
        new("DateTimeOffset read from timestamptz", "DateTimeOffset 2024-05-01T12:00:00.0000000+00:00"),
        new("DateTimeOffset read from timestamp without time zone", "DateTimeOffset 2024-05-01T12:00:00.0000000+00:00"),
        new("DateTimeOffset property read from timestamp without time zone", "DateTimeOffset 2024-05-01T12:00:00.0000000+00:00"),
        new("record with a DateTimeOffset constructor parameter", "(Int64 7, DateTimeOffset 2024-05-01T12:00:00.0000000+00:00)"),
    ];

    [Test]
    public async Task Building_and_using_a_store_and_a_processor_changes_no_outcome_of_the_applications_own_Dapper_calls()
    {
        var report = await RunAsync(replaceMappings: false);

        report.Before.Select(outcome => outcome.Operation).ShouldBe(Operations);
        report.After.ShouldBe(report.Before);
        report.Library.ShouldBe(LibraryOutcomes);
    }

    [Test]
    public async Task Replacing_the_Guid_and_DateTimeOffset_mappings_changes_exactly_the_documented_outcomes()
    {
        var report = await RunAsync(replaceMappings: true);

        report.Before.Select(outcome => outcome.Operation).ShouldBe(Operations);
        report.After.Select(outcome => outcome.Operation).ShouldBe(Operations);
        var changed = report.After.Where((outcome, index) => outcome != report.Before[index]).ToList();
        changed.ShouldBe(OptInChanges);
        report.Before.Single(outcome => outcome.Operation == "DateTimeOffset property read from timestamp without time zone").Result
            .ShouldBe("DateTimeOffset 2024-05-01T12:00:00.0000000+02:00", $"Dapper as shipped applies the local offset, in {IsolationProgram.TimeZone}");
        report.Library.ShouldBe(LibraryOutcomes);
    }

    private static async Task<IsolationReport> RunAsync(bool replaceMappings)
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        var report = await IsolationProgram.RunAsync(database.ConnectionString, replaceMappings);
        Print(report);
        return report;
    }

    private static void Print(IsolationReport report)
    {
        foreach (var (before, after) in report.Before.Zip(report.After))
        {
            TestContext.Out.WriteLine(before == after
                ? $"  {before.Operation}: {before.Result}"
                : $"! {before.Operation}: {before.Result}\n    after: {after.Result}");
        }

        foreach (var outcome in report.Library)
        {
            TestContext.Out.WriteLine($"  library {outcome.Operation}: {outcome.Result}");
        }
    }
}
