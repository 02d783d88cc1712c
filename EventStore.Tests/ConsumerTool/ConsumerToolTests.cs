using System.Text.Json;
using EventStore.ConsumerTool;
using EventStore.Tests.Consumers;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.ConsumerTool;

/// <summary>
/// <c>eventstore-consumers</c> end to end against a real server: usage errors are caught before anything connects,
/// and each command reports what it did, or why it was refused, with the exit code scripts rely on.
/// </summary>
public sealed class ConsumerToolTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [TestCase(new string[0], 0, "Usage: eventstore-consumers")]
    [TestCase(new[] { "--help" }, 0, "Commands:")]
    [TestCase(new[] { "rewind", "-consumer", "x" }, 2, "unknown command 'rewind'")]
    [TestCase(new[] { "status", "-connection=" }, 2, "flag '-connection' needs a value")]
    [TestCase(new[] { "status", "-consumer", "x", "-to", "3" }, 2, "status takes no -to")]
    [TestCase(new[] { "reset", "-consumer", "x" }, 2, "reset needs -to <position>")]
    [TestCase(new[] { "reset", "-consumer", "x", "-to", "-4" }, 2, "flag '-to' needs a value")]
    [TestCase(new[] { "reset", "-consumer", "x", "-to=ten" }, 2, "flag '-to' needs a position")]
    [TestCase(new[] { "resume" }, 2, "resume needs -consumer <name>")]
    [TestCase(new[] { "remove", "-consumer", "x", "-json" }, 2, "remove takes no -json")]
    [TestCase(new[] { "status", "--verbose" }, 2, "unknown flag '--verbose'")]
    [TestCase(new[] { "status", "-events-table", "bad name;" }, 2, "bad name;")]
    public async Task Usage_errors_are_reported_before_anything_connects(string[] args, int exitCode, string message)
    {
        // Nothing listens on port 1: a command that got as far as connecting would fail with exit code 1.
        var (code, output, error) = await RunAsync(args, "Host=127.0.0.1;Port=1;Timeout=1");

        code.ShouldBe(exitCode, error);
        (output + error).ShouldContain(message);
    }

    [Test]
    public async Task Without_a_connection_string_or_the_variable_the_command_is_refused()
    {
        var (code, _, error) = await RunAsync(["status"], connection: null);

        code.ShouldBe(2);
        error.ShouldContain("pass -connection or set EVENTSTORE_CONNECTION");
    }

    [Test]
    public async Task Status_reset_resume_and_remove_report_what_they_did_or_why_they_were_refused()
    {
        await using var db = await ConsumerDatabase.CreateAsync();
        var stored = await db.AppendAsync(Events("Order", NewId(), 3));
        var running = db.Start("instance-a", new SeenConsumer());
        await db.WaitUntilSeenAsync(stored, Bound);
        await ConsumerStatusTests.WaitForStatusAsync(db, SeenConsumer.DefaultName, s => s.HeldBy is not null);
        var connection = db.Store.ConnectionString;

        var status = await RunAsync(["status"], connection);
        var json = await RunAsync(["status", "-consumer", SeenConsumer.DefaultName, "-json"], connection);
        var removeWhileRunning = await RunAsync(["remove", "-consumer", SeenConsumer.DefaultName], connection);
        var resume = await RunAsync(["resume", "-consumer", SeenConsumer.DefaultName], connection);
        var beyond = await RunAsync(["reset", "-consumer", SeenConsumer.DefaultName, "-to", "99"], connection);
        running.Cancel();
        await running.Run.WaitAsync(Bound);
        var reset = await RunAsync(["reset", "-consumer", SeenConsumer.DefaultName, "-to", "1"], connection);
        var behind = await RunAsync(["status", "-consumer", SeenConsumer.DefaultName], connection);
        var remove = await RunAsync(["remove", "-consumer", SeenConsumer.DefaultName], connection);
        var none = await RunAsync(["status"], connection);

        status.Code.ShouldBe(0, status.Error);
        status.Output.ShouldContain($"{SeenConsumer.DefaultName}: UP TO DATE");
        json.Code.ShouldBe(0, json.Error);
        var parsed = JsonDocument.Parse(json.Output).RootElement;
        parsed.GetArrayLength().ShouldBe(1);
        parsed[0].GetProperty("checkpoint").GetInt64().ShouldBe(stored[^1].GlobalPosition);
        parsed[0].GetProperty("lag").GetInt64().ShouldBe(0);
        removeWhileRunning.Code.ShouldBe(1);
        removeWhileRunning.Error.ShouldContain("still run by a processor instance");
        resume.Code.ShouldBe(0, resume.Error);
        resume.Output.ShouldContain("not stopped");
        beyond.Code.ShouldBe(1);
        beyond.Error.ShouldContain("cannot be moved to position 99");
        reset.Code.ShouldBe(0, reset.Error);
        reset.Output.ShouldContain($"{SeenConsumer.DefaultName}: checkpoint moved from {stored[^1].GlobalPosition} to 1");
        behind.Output.ShouldContain("NOT RUNNING");
        behind.Output.ShouldContain($"lag         {stored[^1].GlobalPosition - 1} positions");
        remove.Code.ShouldBe(0, remove.Error);
        remove.Output.ShouldContain($"removed {SeenConsumer.DefaultName}");
        none.Output.ShouldContain("No consumer has a checkpoint");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string? connection)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ConsumerToolCommand.RunAsync(args, connection, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
