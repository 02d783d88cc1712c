// The one build of the repository: `dotnet tool restore && dotnet cake` restores, checks formatting,
// builds with warnings as errors, and runs every test against a real PostgreSQL.
using System.IO.Compression;
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");

var solution = File("./EventStore.sln");
var artifacts = Directory("./artifacts");
var testResults = artifacts + Directory("test-results");
// EventStore.Testing appends each local cluster it starts to the file this variable names (see ClusterRecord.cs).
const string clusterRecordVariable = "EVENTSTORE_TEST_CLUSTERS_FILE";
var clusterRecord = testResults + File("local-clusters.txt");
// EventStore.Testing runs the pgbouncer this variable names, when it is set, instead of searching for one (see PgBouncerBinary.cs).
const string pgBouncerVariable = "EVENTSTORE_TEST_PGBOUNCER";
// Where Debian installs each major version of PostgreSQL, one folder each.
const string debianPostgres = "/usr/lib/postgresql";
var packages = artifacts + Directory("packages");
var basicExample = File("./examples/Basic/Basic.csproj");
var eventMapGenerator = File("./EventStore.EventMap/EventStore.EventMap.csproj");
var migrateGen = File("./EventStore.MigrateGen/EventStore.MigrateGen.csproj");
var expectedPackages = new[] { "EventStore.ConsumerTool", "EventStore.Core", "EventStore.Dapper", "EventStore.EventMap", "EventStore.MigrateGen", "EventStore.Testing" };

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

Task("PgBouncer")
    .Description("Installs the Debian package pgbouncer for the PgBouncer tests when it is missing and the build runs as root with apt-get.")
    .Does(() =>
{
    // A program named in the variable is the only one the tests look at, so it is never installed over.
    var named = EnvironmentVariable(pgBouncerVariable);
    var problem = string.IsNullOrEmpty(named)
        ? FindPgBouncer() is null ? InstallPgBouncer() : null
        : System.IO.File.Exists(named) ? null : $"{pgBouncerVariable} names {named}, which does not exist";
    if (problem is null)
    {
        Information($"PgBouncer: the tests use {(string.IsNullOrEmpty(named) ? FindPgBouncer() : named)}.");
        return;
    }

    // CI installs pgbouncer so that the PgBouncer tests run; skipping them there would pass without testing anything.
    if (string.Equals(EnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
    {
        throw new Exception($"PgBouncer is missing, and the build could not install the Debian package pgbouncer: {problem}.");
    }

    Warning($"PgBouncer is missing, and the build did not install it: {problem}. The PgBouncer tests will be skipped; " +
        "to run them, install the Debian package pgbouncer (apt-get install pgbouncer) or PgBouncer by other means.");
});

Task("PgPartman")
    .Description("Installs the Debian package postgresql-<major>-partman for the pg_partman tests when it is missing and the build runs as root with apt-get.")
    .Does(() =>
{
    var major = NewestInstalledPostgresMajor();
    var package = $"postgresql-{major ?? "<major>"}-partman";
    var problem = major is null
        ? $"there is no PostgreSQL server under {debianPostgres}, whose version the package must match"
        : HasPgPartman(major) ? null : InstallPgPartman(major, package);
    if (problem is null)
    {
        Information($"pg_partman: installed for PostgreSQL {major} ({PgPartmanControl(major)}).");
        return;
    }

    // CI installs pg_partman so that the pg_partman tests run; skipping them there would pass without testing anything.
    if (string.Equals(EnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
    {
        throw new Exception($"pg_partman is missing, and the build could not install the Debian package {package}: {problem}.");
    }

    Warning($"pg_partman is missing, and the build did not install it: {problem}. The pg_partman tests will be skipped; " +
        $"to run them, install the Debian package {package} (apt-get install {package}) where the test server runs.");
});

Task("Test")
    .Description("Runs every test; the fixture finds or starts the PostgreSQL server itself.")
    .IsDependentOn("Format")
    .IsDependentOn("Build")
    .IsDependentOn("PgBouncer")
    .IsDependentOn("PgPartman")
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
            EnvironmentVariables = { [clusterRecordVariable] = MakeAbsolute(clusterRecord).FullPath },
        });
    }
    finally
    {
        PrintTestTotals(testResults);
        FailOnLeftoverClusters(clusterRecord);
    }
});

Task("Pack")
    .Description("Runs the tests, builds the packages into artifacts/packages, and checks them as PackCheck does.")
    .IsDependentOn("Test")
    .Does(() =>
{
    CleanDirectory(packages);
    // Packages are built as CI builds with symbol packages and SourceLink (see Directory.Build.props).
    DotNetPack(solution, new DotNetPackSettings
    {
        Configuration = configuration,
        OutputDirectory = packages,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PackWithSourceLink", "true"),
    });
    CheckPackages();
});

Task("PackCheck")
    .Description("Checks the packages in artifacts/packages: metadata, README, symbols, and that migrate-gen installs and runs.")
    .Does(() => CheckPackages());

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
    .Description("Runs EventStore.Benchmarks in quick mode on throwaway PostgreSQL servers (fsync off, then on) and writes docs/benchmarks.md with its charts. " +
        "With --growth, runs only the growth measurement instead, which takes about an hour; --growth-sizes and --growth-fsync are passed on.")
    .Does(() =>
{
    // Only the benchmarks and the projects they need are built; benchmarks never run in the test suite.
    var benchmarks = File("./EventStore.Benchmarks/EventStore.Benchmarks.csproj");
    DotNetBuild(benchmarks, new DotNetBuildSettings { Configuration = "Release" });
    DotNetRun(benchmarks, HasArgument("growth") ? GrowthArguments() : new ProcessArgumentBuilder().Append("--quick"),
        new DotNetRunSettings { Configuration = "Release", NoBuild = true, NoRestore = true });
});

RunTarget(target);

// The growth run's own switches, each passed on only when given (see GrowthOptions.cs).
ProcessArgumentBuilder GrowthArguments()
{
    var arguments = new ProcessArgumentBuilder().Append("--growth");
    foreach (var name in new[] { "growth-sizes", "growth-fsync" }.Where(argument => HasArgument(argument)))
    {
        arguments.Append("--" + name).Append(Argument<string>(name));
    }

    return arguments;
}

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

// Where EventStore.Testing looks for pgbouncer: on PATH, then where the Debian package puts it, outside a user's PATH.
string FindPgBouncer() =>
    (EnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => System.IO.Path.Combine(folder, "pgbouncer"))
        .Append("/usr/sbin/pgbouncer")
        .FirstOrDefault(System.IO.File.Exists);

// Installs the Debian package pgbouncer; returns why it could not, or null once pgbouncer is there.
string InstallPgBouncer()
{
    if (!System.Environment.IsPrivilegedProcess)
    {
        return "the build does not run as root";
    }

    if (!System.IO.File.Exists("/usr/bin/apt-get"))
    {
        return "there is no apt-get";
    }

    var serviceWasListening = ListensOnLoopback(6432);
    var problem = WithoutServiceStarts(() =>
        AptGet("update") ?? AptGet("install -y --no-install-recommends pgbouncer"));
    if (problem is not null)
    {
        return problem;
    }

    if (!serviceWasListening && ListensOnLoopback(6432))
    {
        Warning("PgBouncer: something listens on port 6432 since pgbouncer was installed, as the package's own service would; stop it with 'service pgbouncer stop'.");
    }

    return FindPgBouncer() is null ? "apt-get installed pgbouncer, but there is no pgbouncer on PATH or at /usr/sbin/pgbouncer" : null;
}

// The newest PostgreSQL under /usr/lib/postgresql with a server in its bin folder, as EventStore.Testing picks for a
// local cluster (see PostgresBinaries.cs); pg_partman's package is built for one major version.
string NewestInstalledPostgresMajor() =>
    System.IO.Directory.Exists(debianPostgres)
        ? System.IO.Directory.EnumerateDirectories(debianPostgres)
            .Select(System.IO.Path.GetFileName)
            .Where(folder => int.TryParse(folder, out _) && System.IO.File.Exists(System.IO.Path.Combine(debianPostgres, folder, "bin", "postgres")))
            .OrderByDescending(int.Parse)
            .FirstOrDefault()
        : null;

// An extension is there for a server when its control file is in the server's share folder.
string PgPartmanControl(string major) => $"/usr/share/postgresql/{major}/extension/pg_partman.control";

bool HasPgPartman(string major) => System.IO.File.Exists(PgPartmanControl(major));

// Installs the Debian package of pg_partman for the server's major version; returns why it could not, or null once it is there.
string InstallPgPartman(string major, string package)
{
    if (!System.Environment.IsPrivilegedProcess)
    {
        return "the build does not run as root";
    }

    if (!System.IO.File.Exists("/usr/bin/apt-get"))
    {
        return "there is no apt-get";
    }

    // The package depends on the server package, which is there already; the policy keeps any service it pulls in from starting.
    var problem = WithoutServiceStarts(() => AptGet("update") ?? AptGet($"install -y --no-install-recommends {package}"));
    if (problem is not null)
    {
        return problem;
    }

    return HasPgPartman(major) ? null : $"apt-get installed {package}, but there is no {PgPartmanControl(major)}";
}

string AptGet(string arguments)
{
    var settings = new ProcessSettings
    {
        Arguments = arguments,
        EnvironmentVariables = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
    };
    var exitCode = StartProcess("/usr/bin/apt-get", settings);
    return exitCode == 0 ? null : $"'apt-get {arguments}' exited with code {exitCode}";
}

// The pgbouncer package starts its own service, which the tests do not use and which would outlive the build; so would
// a PostgreSQL server package, were one pulled in.
// invoke-rc.d asks /usr/sbin/policy-rc.d before it starts a service, and exit code 101 refuses; a policy that is
// already there (Docker images bring one) is left as it is.
string WithoutServiceStarts(Func<string> install)
{
    const string policy = "/usr/sbin/policy-rc.d";
    var ownPolicy = !System.IO.File.Exists(policy);
    if (ownPolicy)
    {
        System.IO.File.WriteAllText(policy, "#!/bin/sh\n# Written by build.cake while it installs a Debian package: start no service.\nexit 101\n");
        System.IO.File.SetUnixFileMode(policy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    try
    {
        return install();
    }
    finally
    {
        if (ownPolicy)
        {
            System.IO.File.Delete(policy);
        }
    }
}

bool ListensOnLoopback(int port)
{
    try
    {
        using var client = new System.Net.Sockets.TcpClient();
        client.Connect(System.Net.IPAddress.Loopback, port);
        return true;
    }
    catch (System.Net.Sockets.SocketException)
    {
        return false;
    }
}

// The test harness promises that no server it starts, PostgreSQL or pgbouncer, outlives the run, even a failed one; hold
// it to that. Only the servers this run recorded are checked, so runs side by side on one machine do not trip each
// other, and nothing here depends on the operating system. A run on a server from EVENTSTORE_TEST_CONNECTION or
// Testcontainers records no cluster, but the pgbouncers in front of it are recorded all the same.
void FailOnLeftoverClusters(FilePath record)
{
    if (!FileExists(record))
    {
        return;
    }

    var lines = System.IO.File.ReadAllLines(record.FullPath).Select(line => line.Split('\t')).ToList();
    var folders = lines.Select(fields => fields[0]).Distinct().ToList();
    var processes = lines.Where(fields => fields.Length == 4)
        .Select(fields => new RecordedProcess(fields[0], int.Parse(fields[1]), new DateTime(long.Parse(fields[2]), DateTimeKind.Utc), fields[3]))
        .ToList();
    var leftovers = LeftoversAfterTeardown(folders, processes);
    if (leftovers.Count > 0)
    {
        throw new Exception("The test run left local PostgreSQL clusters or pgbouncers behind:\n  " + string.Join("\n  ", leftovers));
    }

    Information($"The {folders.Count} local PostgreSQL clusters and pgbouncers of the run are gone.");
}

// A test host that dies tears its servers down as it exits, in the background, within the harness's stop timeout.
List<string> LeftoversAfterTeardown(List<string> folders, List<RecordedProcess> processes)
{
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
    while (true)
    {
        var leftovers = processes.Where(process => StillRuns(process.Id, process.Started))
            .Select(process => $"{process.Folder}: its {process.Program}, process {process.Id}, still runs")
            .Concat(folders.Where(System.IO.Directory.Exists).Select(folder => $"{folder}: the folder is still there"))
            .ToList();
        if (leftovers.Count == 0 || DateTime.UtcNow > deadline)
        {
            return leftovers;
        }

        System.Threading.Thread.Sleep(TimeSpan.FromMilliseconds(250));
    }
}

// Process ids are reused, so a process is the recorded one only if it also started when the record says.
bool StillRuns(int processId, DateTime startedUtc)
{
    try
    {
        using var process = System.Diagnostics.Process.GetProcessById(processId);
        return !process.HasExited && (process.StartTime.ToUniversalTime() - startedUtc).Duration() < TimeSpan.FromSeconds(1);
    }
    catch (ArgumentException)
    {
        return false; // no process has this id any more
    }
    catch (InvalidOperationException)
    {
        return false; // it exited while it was being looked at
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

// Checks what a user of the packages meets: every expected package is there with its README, licence, repository and
// tags, every package that ships an assembly has symbols that link to the packed commit, and the tool installs from
// the folder and writes a migration.
void CheckPackages()
{
    var version = MSBuildProperty(migrateGen, "PackageVersion");
    var repositoryUrl = MSBuildProperty(migrateGen, "RepositoryUrl");
    var problems = expectedPackages
        .Where(id => !FileExists(packages + File($"{id}.{version}.nupkg")))
        .Select(id => $"{id}.{version}.nupkg is missing.")
        .Concat(GetFiles(packages.Path.FullPath + "/*.nupkg").SelectMany(package => PackageProblems(package, repositoryUrl)))
        .ToList();
    if (problems.Count > 0)
    {
        throw new Exception("The packages are not fit to publish:\n  " + string.Join("\n  ", problems));
    }

    Information($"{expectedPackages.Length} packages of version {version} carry README, licence, repository, tags and symbols.");
    InstallAndRunMigrateGen(version);
}

List<string> PackageProblems(FilePath package, string repositoryUrl)
{
    var name = package.GetFilename().FullPath;
    var problems = new List<string>();
    using var archive = ZipFile.OpenRead(package.FullPath);
    var entries = archive.Entries.Select(entry => entry.FullName).ToList();
    XDocument nuspec;
    using (var stream = archive.Entries.Single(entry => entry.FullName.EndsWith(".nuspec") && !entry.FullName.Contains('/')).Open())
    {
        nuspec = XDocument.Load(stream);
    }

    XElement Metadata(string element) =>
        nuspec.Descendants().FirstOrDefault(node => node.Name.LocalName == element) ?? new XElement(element);
    var readme = Metadata("readme").Value;
    if (readme.Length == 0 || !entries.Contains(readme))
    {
        problems.Add($"{name}: no README in the package.");
    }

    var license = Metadata("license");
    if ((string)license.Attribute("type") != "expression" || license.Value != "MIT")
    {
        problems.Add($"{name}: the licence is not the MIT expression.");
    }

    var repository = Metadata("repository");
    var commit = (string)repository.Attribute("commit") ?? string.Empty;
    if ((string)repository.Attribute("type") != "git" || (string)repository.Attribute("url") != repositoryUrl || commit.Length == 0)
    {
        problems.Add($"{name}: the repository is not git at {repositoryUrl} with a commit.");
    }

    if (Metadata("projectUrl").Value != repositoryUrl || Metadata("tags").Value.Length == 0)
    {
        problems.Add($"{name}: no project URL or no tags.");
    }

    // An analyzer-only package is loaded by the compiler, not debugged into; anything else that ships code has symbols.
    if (entries.Any(entry => entry.EndsWith(".dll") && !entry.StartsWith("analyzers/")))
    {
        problems.AddRange(SymbolProblems(package.ChangeExtension(".snupkg"), repositoryUrl, commit));
    }
    else if (!entries.Any(entry => entry.StartsWith("analyzers/dotnet/cs/")))
    {
        problems.Add($"{name}: neither a library nor an analyzer.");
    }

    return problems;
}

// SourceLink stores its JSON in the PDB as plain UTF-8, so the raw URL of the packed commit can be found in the bytes.
List<string> SymbolProblems(FilePath symbols, string repositoryUrl, string commit)
{
    if (!FileExists(symbols))
    {
        return [$"{symbols.GetFilename()} is missing."];
    }

    using var archive = ZipFile.OpenRead(symbols.FullPath);
    var expected = $"{new Uri(repositoryUrl).AbsolutePath.Trim('/')}/{commit}/";
    return archive.Entries
        .Where(entry => entry.FullName.EndsWith(".pdb"))
        .Where(entry =>
        {
            using var reader = new StreamReader(entry.Open(), System.Text.Encoding.UTF8);
            return !reader.ReadToEnd().Contains(expected);
        })
        .Select(entry => $"{symbols.GetFilename()}: {entry.FullName} has no SourceLink to {expected}")
        .ToList();
}

// The tool is installed the way a user would, into its own tool path, from a NuGet configuration that knows only the
// package folder, so the check can never pick up a package of the same name from a feed or an older install.
void InstallAndRunMigrateGen(string version)
{
    var scratch = Directory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eventstore-packcheck-" + Guid.NewGuid().ToString("N")));
    var toolPath = scratch + Directory("tools");
    var migrations = scratch + Directory("migrations");
    var nugetConfig = scratch + File("nuget.config");
    EnsureDirectoryExists(scratch);
    try
    {
        new XDocument(new XElement("configuration", new XElement("packageSources",
            new XElement("clear"),
            new XElement("add", new XAttribute("key", "packages"), new XAttribute("value", MakeAbsolute(packages).FullPath)))))
            .Save(nugetConfig.Path.FullPath);
        RunOrFail("dotnet", new ProcessArgumentBuilder()
            .Append("tool install EventStore.MigrateGen")
            .Append("--version").Append(version)
            .Append("--tool-path").AppendQuoted(toolPath.Path.FullPath)
            .Append("--configfile").AppendQuoted(nugetConfig.Path.FullPath));
        RunOrFail(toolPath.Path.CombineWithFilePath("migrate-gen").FullPath,
            new ProcessArgumentBuilder().Append("-output").AppendQuoted(migrations.Path.FullPath));
        var written = GetFiles(migrations.Path.FullPath + "/*.sql");
        if (written.Count != 1)
        {
            throw new Exception($"migrate-gen {version} exited with 0 but wrote {written.Count} .sql files instead of one.");
        }

        var migration = written.Single();
        Information($"migrate-gen {version}, installed from {packages}, wrote {migration.GetFilename()} ({new System.IO.FileInfo(migration.FullPath).Length} bytes).");
    }
    finally
    {
        DeleteDirectory(scratch, new DeleteDirectorySettings { Recursive = true, Force = true });
    }
}

void RunOrFail(string tool, ProcessArgumentBuilder arguments)
{
    var exitCode = StartProcess(tool, new ProcessSettings { Arguments = arguments });
    if (exitCode != 0)
    {
        throw new Exception($"'{tool} {arguments.Render()}' exited with code {exitCode}.");
    }
}

// One server process the test harness recorded: the folder it ran in, its id and start time, and its program.
record RecordedProcess(string Folder, int Id, DateTime Started, string Program);
