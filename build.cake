// The one build of the repository: `dotnet tool restore && dotnet cake` restores, checks formatting,
// builds with warnings as errors, and runs every test against a real PostgreSQL.
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");

var solution = File("./EventStore.sln");
var artifacts = Directory("./artifacts");
var testResults = artifacts + Directory("test-results");
var packages = artifacts + Directory("packages");
var basicExample = File("./examples/Basic/Basic.csproj");
var eventMapGenerator = File("./EventStore.EventMap/EventStore.EventMap.csproj");

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration, Verbosity = DotNetVerbosity.Minimal });
});

Task("Restore")
    .Does(() => DotNetRestore(solution));

Task("Format")
    .Description("Fails when any file differs from what .editorconfig asks for; run `dotnet format` to fix.")
    .IsDependentOn("Restore")
    .Does(() =>
{
    // The formatter compiles in Debug and needs the event-map generator built there, or the attributes it generates
    // are missing and their using directives look unnecessary.
    DotNetBuild(eventMapGenerator, new DotNetBuildSettings { Configuration = "Debug", NoRestore = true });
    DotNetFormat(solution, new DotNetFormatSettings { NoRestore = true, VerifyNoChanges = true });
});

Task("Build")
    .IsDependentOn("Restore")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        NoRestore = true,
        MSBuildSettings = new DotNetMSBuildSettings().TreatAllWarningsAs(MSBuildTreatAllWarningsAs.Error),
    });
});

Task("Test")
    .Description("Runs every test; the fixture finds or starts the PostgreSQL server itself.")
    .IsDependentOn("Format")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    try
    {
        DotNetTest(solution, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoRestore = true,
            ResultsDirectory = testResults,
            Loggers = { "trx", "console;verbosity=normal" },
        });
    }
    finally
    {
        PrintTestTotals(testResults);
        FailOnLeftoverClusters();
    }
});

Task("Pack")
    .IsDependentOn("Test")
    .Does(() =>
{
    CleanDirectory(packages);
    // Packages are rebuilt with SourceLink, which needs this clone to have a remote (see Directory.Build.props).
    DotNetPack(solution, new DotNetPackSettings
    {
        Configuration = configuration,
        OutputDirectory = packages,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PackWithSourceLink", "true"),
    });
});

Task("Demo")
    .Description("Runs examples/Basic: on the server in EVENTSTORE_CONNECTION, else on a throwaway PostgreSQL it starts and stops.")
    .Does(() =>
{
    // Only the example and the projects it needs are built, so the demo does not wait for the tests to compile.
    DotNetBuild(basicExample, new DotNetBuildSettings { Configuration = configuration });
    DotNetRun(basicExample, new DotNetRunSettings { Configuration = configuration, NoBuild = true, NoRestore = true });
});

Task("Bench")
    .Description("Runs EventStore.Benchmarks in quick mode on a throwaway PostgreSQL and writes docs/benchmarks.md.")
    .Does(() =>
{
    // Only the benchmarks and the projects they need are built; benchmarks never run in the test suite.
    var benchmarks = File("./EventStore.Benchmarks/EventStore.Benchmarks.csproj");
    DotNetBuild(benchmarks, new DotNetBuildSettings { Configuration = "Release" });
    DotNetRun(benchmarks, new ProcessArgumentBuilder().Append("--quick"),
        new DotNetRunSettings { Configuration = "Release", NoBuild = true, NoRestore = true });
});

RunTarget(target);

// One closing line for the whole run, in the plain form CI reads: "Tests: N passed, N failed, N skipped".
void PrintTestTotals(DirectoryPath resultsFolder)
{
    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles(resultsFolder.FullPath + "/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().First(element => element.Name.LocalName == "Counters");
        int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
        passed += Count("passed");
        failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        skipped += Count("notExecuted") + Count("inconclusive");
    }

    Console.WriteLine($"Tests: {passed} passed, {failed} failed, {skipped} skipped");
}

// The test harness promises that no server outlives the run, even a failed one; hold it to that.
void FailOnLeftoverClusters()
{
    var leftovers = System.IO.Directory.GetDirectories("/proc")
        .Select(folder => System.IO.Path.Combine(folder, "cmdline"))
        .Where(System.IO.File.Exists)
        .Select(ReadCommandLine)
        .Where(commandLine => commandLine.Contains("/eventstore-pg-") && commandLine.Contains("postgres"))
        .ToList();
    if (leftovers.Count > 0)
    {
        throw new Exception("The test run left PostgreSQL servers running:\n" + string.Join("\n", leftovers));
    }
}

string ReadCommandLine(string path)
{
    try
    {
        return System.IO.File.ReadAllText(path).Replace('\0', ' ');
    }
    catch (System.IO.IOException)
    {
        return string.Empty;
    }
    catch (UnauthorizedAccessException)
    {
        return string.Empty;
    }
}
