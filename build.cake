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

Task("ApiBaseline")
    .Description("Rewrites PublicAPI.Unshipped.txt of every shipped library from the public API analyzer's own fixes.")
    .IsDependentOn("Restore")
    .Does(() =>
{
    // Every list is rewritten before any library is built, since a library's build also builds the ones it references.
    var projects = PublicApiProjects().ToList();
    projects.ForEach(ResetPublicApiBaseline);
    projects.ForEach(DeclarePublicApi);
    projects.ForEach(BuildWithPublicApi);
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

// The projects that pin their public API are the ones Directory.Build.targets marks, so a new shipped library is found
// without a list to keep here.
IEnumerable<FilePath> PublicApiProjects() =>
    GetFiles("./**/*.csproj")
        .Where(project => !project.FullPath.Contains("/bin/") && !project.FullPath.Contains("/obj/"))
        .Where(project => MSBuildProperty(project, "TrackPublicApi") == "true");

// Starting from an empty Unshipped list drops entries for API that is gone. Shipped lists are only ever created here:
// moving entries to them is a release decision.
void ResetPublicApiBaseline(FilePath project)
{
    const string header = "#nullable enable\n";
    var shipped = project.GetDirectory().CombineWithFilePath("PublicAPI.Shipped.txt").FullPath;
    if (!System.IO.File.Exists(shipped))
    {
        System.IO.File.WriteAllText(shipped, header);
    }

    System.IO.File.WriteAllText(project.GetDirectory().CombineWithFilePath("PublicAPI.Unshipped.txt").FullPath, header);
}

// The analyzer's fix for RS0016 declares every public symbol that is not shipped, with its nullable annotations.
void DeclarePublicApi(FilePath project) =>
    DotNetFormatAnalyzers(project.FullPath, new DotNetFormatSettings
    {
        NoRestore = true,
        Diagnostics = { "RS0016" },
        Severity = DotNetFormatSeverity.Warning,
    });

// The build fails on anything the fix cannot decide, such as shipped API that was removed.
void BuildWithPublicApi(FilePath project)
{
    DotNetBuild(project.FullPath, new DotNetBuildSettings { Configuration = configuration, NoRestore = true });
    var unshipped = project.GetDirectory().CombineWithFilePath("PublicAPI.Unshipped.txt").FullPath;
    var declared = System.IO.File.ReadLines(unshipped).Count() - 1;
    Information($"{project.GetDirectory().GetDirectoryName()}/PublicAPI.Unshipped.txt declares {declared} symbols.");
}

string MSBuildProperty(FilePath project, string name)
{
    using var process = StartAndReturnProcess("dotnet", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder().Append("msbuild").AppendQuoted(project.FullPath).Append($"-getProperty:{name}"),
        RedirectStandardOutput = true,
    });
    process.WaitForExit();
    if (process.GetExitCode() != 0)
    {
        throw new Exception($"Could not read {name} from {project}.");
    }

    return string.Concat(process.GetStandardOutput()).Trim();
}
