using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EventStore.Dapper;
using EventStore.MigrateGen;

namespace EventStore.Tests.MigrateGen;

/// <summary>
/// The <c>migrate-gen</c> tool, run in-process through <see cref="MigrateGenCommand.Run"/> and, once, as the real
/// built tool. Every test has its own temporary folder and writes only below it.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)] // each parallel test gets its own instance and temporary folder
public sealed class MigrateGenTests
{
    private static readonly string NewLine = Environment.NewLine;

    private string _temp = null!;
    private string _output = null!;

    [SetUp]
    public void CreateTemporaryFolder()
    {
        _temp = Directory.CreateTempSubdirectory("migrate-gen-tests-").FullName;
        // Not created up front, so the tests can tell whether the tool created it.
        _output = Path.Combine(_temp, "migrations");
    }

    [TearDown]
    public void DeleteTemporaryFolder() => Directory.Delete(_temp, recursive: true);

    [Test]
    public void Without_flags_the_tool_writes_the_default_tables_to_the_migrations_folder_under_a_UTC_timestamped_name()
    {
        var now = new DateTime(2024, 5, 1, 12, 34, 56, DateTimeKind.Utc);

        ArgumentParser.TryParse([], now, out var arguments, out var problem).ShouldBeTrue(problem);

        arguments.ShouldBe(new MigrateGenArguments
        {
            Output = "migrations",
            FileName = "20240501123456_init_event_sourcing.sql",
            EventsTable = "events",
            AggregateHeadsTable = "aggregate_heads",
        });
    }

    [Test]
    public void A_successful_run_prints_the_path_it_wrote_and_the_file_holds_the_rendered_default_schema()
    {
        var before = DateTime.UtcNow;
        var result = Run("-output", _output);
        var after = DateTime.UtcNow;

        result.ExitCode.ShouldBe(ExitCode.Success, result.Error);
        result.Error.ShouldBeEmpty();
        var path = SingleFile(_output);
        result.Output.ShouldBe(path + NewLine);
        ShouldBeStampedBetween(path, before, after);
        File.ReadAllText(path).ShouldBe(MigrationEmitter.Render(EventStoreOptions.Default));
    }

    [Test]
    public void The_table_flags_name_the_tables_in_the_written_schema()
    {
        var result = Run("-output", _output, "--events-table=es.log_events", "-aggregate-heads-table", "heads", "-checkpoints-table", "es.progress");

        result.ExitCode.ShouldBe(ExitCode.Success, result.Error);
        var content = File.ReadAllText(SingleFile(_output));
        content.ShouldBe(MigrationEmitter.Render(
            new EventStoreOptions { EventsTable = "es.log_events", AggregateHeadsTable = "heads", CheckpointsTable = "es.progress" }));
        content.ShouldContain("\"es\".\"log_events\"");
        content.ShouldContain("\"heads\"");
        content.ShouldContain("\"es\".\"progress\"");
        content.ShouldNotContain("\"events\"");
        content.ShouldNotContain("aggregate_heads");
        content.ShouldNotContain("consumer_checkpoints");
    }

    [Test]
    public void The_filename_flag_names_the_written_file()
    {
        var result = Run("-output", _output, "-filename", "0001_events.sql");

        result.ExitCode.ShouldBe(ExitCode.Success, result.Error);
        var path = Path.Combine(_output, "0001_events.sql");
        result.Output.ShouldBe(path + NewLine);
        SingleFile(_output).ShouldBe(path);
    }

    [TestCase("-")]
    [TestCase("--")]
    public void Every_flag_is_accepted_with_its_value_as_the_next_argument(string dashes)
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(_output).FullName, "custom.sql"), "-- older");

        var result = Run(
            $"{dashes}output", _output, $"{dashes}filename", "custom.sql", $"{dashes}events-table", "log",
            $"{dashes}aggregate-heads-table", "heads", $"{dashes}force");

        ShouldHaveWrittenCustomMigration(result);
    }

    [TestCase("-")]
    [TestCase("--")]
    public void Every_flag_is_accepted_with_its_value_after_an_equals_sign(string dashes)
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(_output).FullName, "custom.sql"), "-- older");

        var result = Run(
            $"{dashes}output={_output}", $"{dashes}filename=custom.sql", $"{dashes}events-table=log",
            $"{dashes}aggregate-heads-table=heads", $"{dashes}force");

        ShouldHaveWrittenCustomMigration(result);
    }

    [Test]
    public void The_partition_size_flag_writes_the_partitioned_schema_with_its_key_table_and_partition_function()
    {
        var result = Run("-output", _output, "-partition-size", "50000000");

        result.ExitCode.ShouldBe(ExitCode.Success, result.Error);
        var content = File.ReadAllText(SingleFile(_output));
        content.ShouldBe(MigrationEmitter.Render(new EventStoreOptions { PartitionSize = 50_000_000 }));
        content.ShouldContain("PARTITION BY RANGE (global_position)");
        content.ShouldContain("\"events_keys\"");
        content.ShouldContain("size CONSTANT bigint := 50000000;");
    }

    [TestCase("-partition-size", "0")]
    [TestCase("-partition-size", "-5")]
    [TestCase("-partition-size", "ten")]
    [TestCase("--partition-size=1e6")]
    public void A_partition_size_that_is_not_a_positive_whole_number_is_refused_and_nothing_is_written(params string[] flags)
    {
        var result = Run(["-output", _output, .. flags]);

        result.ExitCode.ShouldBe(ExitCode.UsageError);
        result.Error.ShouldContain("needs a whole number of positions per partition, at least 1");
        Directory.Exists(_output).ShouldBeFalse();
    }

    [TestCase("-h")]
    [TestCase("--h")]
    [TestCase("-help")]
    [TestCase("--help")]
    public void Help_prints_the_usage_of_every_flag_and_writes_nothing(string help)
    {
        var result = Run("-output", _output, help, "-bogus");

        result.ExitCode.ShouldBe(ExitCode.Success);
        result.Error.ShouldBeEmpty();
        result.Output.ShouldBe(Usage.Text + NewLine);
        // Whole words, so "-h" is not found inside "-heads" nor "-help" inside "--help".
        string[] flags = ["-output", "-filename", "-events-table", "-aggregate-heads-table", "-checkpoints-table", "-partition-size", "--force", "-h", "--help"];
        flags.Where(flag => !Regex.IsMatch(result.Output, $@"(?<![\w-]){flag}(?![\w-])")).ShouldBeEmpty("the usage does not mention these flags");

        Directory.EnumerateFileSystemEntries(_temp).ShouldBeEmpty();
    }

    [TestCase("unknown flag '-bogus'", "-bogus")]
    [TestCase("unknown flag '--bogus'", "--bogus=1")]
    [TestCase("unknown flag '---force'", "---force")]
    [TestCase("unexpected argument 'stray'", "stray")]
    [TestCase("flag '-filename' needs a value", "-filename")]
    [TestCase("flag '-filename' needs a value", "-filename", "--force")]
    [TestCase("flag '--events-table' needs a value", "--events-table", "-aggregate-heads-table", "heads")]
    [TestCase("flag '-aggregate-heads-table' needs a value", "-aggregate-heads-table=")]
    [TestCase("flag '--force' takes no value", "--force=true")]
    [TestCase("EventsTable 'bad-name' contains '-'", "-events-table", "bad-name")]
    [TestCase("AggregateHeadsTable 'a.b.c' has more than one dot", "-aggregate-heads-table", "a.b.c")]
    [TestCase("file name 'sub/x.sql' is not a plain file name", "-filename", "sub/x.sql")]
    [TestCase(@"file name 'sub\x.sql' is not a plain file name", "-filename", @"sub\x.sql")]
    [TestCase("file name '..' is not a plain file name", "-filename", "..")]
    public void A_usage_error_is_one_line_naming_the_problem_and_a_hint_and_nothing_is_written(string problem, params string[] args)
    {
        var result = Run(["-output", _output, .. args]);

        ShouldBeUsageError(result, problem);
        Directory.EnumerateFileSystemEntries(_temp).ShouldBeEmpty("not even the output folder is created");
    }

    [TestCase("-output")]
    [TestCase("-output", "--force")]
    public void The_output_flag_without_a_value_is_a_usage_error(params string[] args)
    {
        ArgumentParser.TryParse(args, DateTime.UtcNow, out var arguments, out var problem).ShouldBeFalse();

        arguments.ShouldBeNull();
        problem.ShouldBe("flag '-output' needs a value");
    }

    [Test]
    public void An_existing_file_is_not_overwritten_without_force()
    {
        var path = Path.Combine(Directory.CreateDirectory(_output).FullName, "0001.sql");
        File.WriteAllText(path, "-- applied long ago");

        var result = Run("-output", _output, "-filename", "0001.sql");

        ShouldBeUsageError(result, $"'{path}' already exists; pass --force to overwrite");
        File.ReadAllText(path).ShouldBe("-- applied long ago");
    }

    [Test]
    public void With_force_an_existing_file_is_overwritten_with_the_same_bytes_a_new_file_gets()
    {
        var path = Path.Combine(Directory.CreateDirectory(_output).FullName, "0001.sql");
        File.WriteAllText(path, "-- applied long ago, and longer than nothing at all, so a missing truncation would show");
        var fresh = MigrationEmitter.Write(EventStoreOptions.Default, Path.Combine(_temp, "fresh"), "0001.sql");

        var result = Run("-output", _output, "-filename", "0001.sql", "--force");

        result.ExitCode.ShouldBe(ExitCode.Success, result.Error);
        result.Output.ShouldBe(path + NewLine);
        File.ReadAllBytes(path).ShouldBe(File.ReadAllBytes(fresh));
    }

    [Test]
    public void A_failure_to_write_is_one_line_on_stderr_with_exit_code_1()
    {
        var blocker = Path.Combine(_temp, "not-a-folder");
        File.WriteAllText(blocker, string.Empty);

        var result = Run("-output", Path.Combine(blocker, "migrations"));

        result.ExitCode.ShouldBe(ExitCode.Failure);
        result.Output.ShouldBeEmpty();
        Lines(result.Error).ShouldHaveSingleItem().ShouldStartWith("migrate-gen: ");
    }

    [Test]
    public async Task The_built_tool_reports_a_usage_error_with_exit_code_2_and_writes_the_migration_with_exit_code_0()
    {
        var failed = await RunToolAsync("-output", _output, "-bogus");

        ShouldBeUsageError(failed, "unknown flag '-bogus'");
        Directory.Exists(_output).ShouldBeFalse();

        var before = DateTime.UtcNow;
        var succeeded = await RunToolAsync("--output", _output, "--events-table=log");
        var after = DateTime.UtcNow;

        succeeded.ExitCode.ShouldBe(ExitCode.Success, succeeded.Error);
        succeeded.Error.ShouldBeEmpty();
        var path = SingleFile(_output);
        succeeded.Output.ShouldBe(path + NewLine);
        ShouldBeStampedBetween(path, before, after);
        File.ReadAllText(path).ShouldBe(MigrationEmitter.Render(new EventStoreOptions { EventsTable = "log" }));
    }

    private static RunResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = MigrateGenCommand.Run(args, output, error);
        return new RunResult(exitCode, output.ToString(), error.ToString());
    }

    private static async Task<RunResult> RunToolAsync(params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "EventStore.MigrateGen.dll");
        File.Exists(tool).ShouldBeTrue($"the test project's build copies the tool to {tool}");
        // The CLI that runs the tests tells its children where it is; a plain "dotnet" is the fallback.
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Far from UTC, so a name stamped with local time would fall outside the expected range.
            Environment = { ["TZ"] = "Pacific/Kiritimati" },
        };
        startInfo.ArgumentList.Add(tool);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new RunResult(process.ExitCode, await output, await error);
    }

    private static void ShouldBeUsageError(RunResult result, string problem)
    {
        result.ExitCode.ShouldBe(ExitCode.UsageError);
        result.Output.ShouldBeEmpty();
        var lines = Lines(result.Error);
        lines.Length.ShouldBe(2, result.Error);
        lines[0].ShouldStartWith("migrate-gen: ");
        lines[0].ShouldContain(problem);
        lines[1].ShouldBe(Usage.Hint);
    }

    private static void ShouldBeStampedBetween(string path, DateTime utcBefore, DateTime utcAfter)
    {
        var fileName = Path.GetFileName(path);
        fileName.ShouldMatch(@"^\d{14}_init_event_sourcing\.sql$");
        var stamp = DateTime.ParseExact(
            fileName[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        // The name has whole seconds only.
        stamp.ShouldBeInRange(utcBefore.AddTicks(-(utcBefore.Ticks % TimeSpan.TicksPerSecond)), utcAfter);
    }

    private void ShouldHaveWrittenCustomMigration(RunResult result)
    {
        result.ExitCode.ShouldBe(ExitCode.Success, result.Error);
        var path = Path.Combine(_output, "custom.sql");
        result.Output.ShouldBe(path + NewLine);
        File.ReadAllText(path).ShouldBe(MigrationEmitter.Render(new EventStoreOptions { EventsTable = "log", AggregateHeadsTable = "heads" }));
    }

    /// <summary>The lines of <paramref name="text"/>, each of which must end with a newline.</summary>
    private static string[] Lines(string text)
    {
        text.ShouldEndWith(NewLine);
        return text[..^NewLine.Length].Split(NewLine);
    }

    private static string SingleFile(string folder) => Directory.GetFiles(folder).ShouldHaveSingleItem();

    private sealed record RunResult(int ExitCode, string Output, string Error);
}
