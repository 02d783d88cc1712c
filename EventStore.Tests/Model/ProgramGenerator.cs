using FsCheck;
using FsCheck.Fluent;

namespace EventStore.Tests.Model;

/// <summary>
/// Generates programs small enough to run in milliseconds yet crowded enough to race: three or four connections on
/// three aggregates, and expected versions near the versions those aggregates really reach.
/// </summary>
internal static class ProgramGenerator
{
    public const int Aggregates = 3;
    private const int MaxExactVersion = 8;

    public static Arbitrary<ConcurrentProgram> Programs { get; } = Arb.From(ProgramGen(), Shrink);

    private static Gen<ConcurrentProgram> ProgramGen() =>
        from connections in Gen.Choose(3, 4)
        from scripts in Gen.CollectToList(Enumerable.Range(1, connections), ScriptGen)
        select new ConcurrentProgram(scripts.SelectMany(script => script).ToList());

    private static Gen<List<AppendCommand>> ScriptGen(int connection) =>
        from length in Gen.Choose(1, 6)
        from commands in Gen.ListOf(CommandGen(connection), length)
        select commands.ToList();

    private static Gen<AppendCommand> CommandGen(int connection) =>
        from aggregate in Gen.Choose(1, Aggregates)
        from expected in ExpectedGen()
        from count in Gen.Choose(1, 3)
        select new AppendCommand(connection, aggregate, expected, count);

    private static Gen<ExpectedVersion> ExpectedGen() => Gen.Frequency(
        (3, Gen.Constant(ExpectedVersion.Any)),
        (2, Gen.Constant(ExpectedVersion.NoStream)),
        (5, Gen.Choose(1, MaxExactVersion).Select(version => ExpectedVersion.Exact(version))));

    /// <summary>
    /// Smaller programs first: one command fewer, then one command made simpler. Every candidate is strictly smaller
    /// in commands, events, expected versions or connection numbers, so shrinking ends.
    /// </summary>
    private static IEnumerable<ConcurrentProgram> Shrink(ConcurrentProgram program)
    {
        var commands = program.Commands;
        if (commands.Count > 1)
        {
            for (var i = 0; i < commands.Count; i++)
            {
                yield return new ConcurrentProgram([.. commands.Take(i), .. commands.Skip(i + 1)]);
            }
        }

        for (var i = 0; i < commands.Count; i++)
        {
            foreach (var simpler in Simplify(commands[i]))
            {
                yield return new ConcurrentProgram([.. commands.Take(i), simpler, .. commands.Skip(i + 1)]);
            }
        }
    }

    private static IEnumerable<AppendCommand> Simplify(AppendCommand command)
    {
        if (command.EventCount > 1)
        {
            yield return command with { EventCount = 1 };
        }

        if (command.Expected.Value > 1)
        {
            yield return command with { Expected = ExpectedVersion.Exact(command.Expected.Value - 1) };
        }

        if (command.Connection > 1)
        {
            yield return command with { Connection = 1 };
        }
    }
}
