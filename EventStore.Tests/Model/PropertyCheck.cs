using EventStore.Tests.Store;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace EventStore.Tests.Model;

/// <summary>
/// Runs a property over generated programs with FsCheck from a seed that is printed first, so a failing run's
/// programs can be generated again.
/// </summary>
internal static class PropertyCheck
{
    /// <summary>Checks <paramref name="property"/> on up to <paramref name="maxTest"/> programs, shrinking the first failing one.</summary>
    public static PropertyVerdict Run(StoreDatabase db, int maxTest, Action<RunHistory> property)
    {
        var seed = (ulong)Random.Shared.NextInt64();
        TestContext.Progress.WriteLine($"FsCheck seed: {seed}");
        var runner = new RecordingRunner();
        var config = Config.Quick
            .WithMaxTest(maxTest)
            .WithRunner(runner)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));
        Check.One(config, Prop.ForAll(ProgramGenerator.Programs, async program => property(await ProgramRunner.RunAsync(db, program))));
        var result = runner.Result ?? throw new InvalidOperationException("FsCheck finished without a verdict.");
        return new PropertyVerdict(result, $"Seed {seed}. {Runner.onFinishedToString("", result)}");
    }
}
