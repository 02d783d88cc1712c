using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EventStore.ConsumerTool;

/// <summary>
/// Reads <c>command -flag value</c> command lines in the style of <c>migrate-gen</c> and Go's <c>flag</c> package: one
/// or two dashes, and a value as the next argument or after <c>=</c>. The command comes first; each command accepts
/// only the flags it uses, so a flag that would be ignored is an error instead.
/// </summary>
internal static class ToolArgumentParser
{
    private static readonly string[] Commands = ["status", "reset", "resume", "remove"];

    private static readonly Dictionary<string, Func<ToolArguments, string, ToolArguments>> ValueFlags = new(StringComparer.Ordinal)
    {
        ["consumer"] = (arguments, value) => arguments with { Consumer = value },
        ["connection"] = (arguments, value) => arguments with { ConnectionString = value },
        ["events-table"] = (arguments, value) => arguments with { EventsTable = value },
        ["checkpoints-table"] = (arguments, value) => arguments with { CheckpointsTable = value },
        ["to"] = (arguments, value) => arguments with { To = ParsePosition(value) },
    };

    /// <summary>Parses <paramref name="args"/>; the connection string falls back to <paramref name="environmentConnection"/>.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args, string? environmentConnection, [NotNullWhen(true)] out ToolArguments? arguments, [NotNullWhen(false)] out string? problem)
    {
        arguments = null;
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            arguments = new ToolArguments { ShowHelp = true };
            problem = null;
            return true;
        }

        if (!Commands.Contains(args[0], StringComparer.Ordinal))
        {
            problem = $"unknown command '{args[0]}'; the commands are {string.Join(", ", Commands)}";
            return false;
        }

        var parsed = new ToolArguments { Command = args[0] };
        problem = ParseFlags(args, ref parsed);
        parsed = parsed with { ConnectionString = parsed.ConnectionString ?? environmentConnection };
        problem ??= CheckCommand(parsed);
        arguments = problem is null ? parsed : null;
        return problem is null;
    }

    private static string? ParseFlags(IReadOnlyList<string> args, ref ToolArguments arguments)
    {
        for (var index = 1; index < args.Count; index++)
        {
            var argument = args[index];
            if (!argument.StartsWith('-'))
            {
                return $"unexpected argument '{argument}'; every setting is a flag";
            }

            var flag = argument.Split('=', 2);
            var name = flag[0].StartsWith("--", StringComparison.Ordinal) ? flag[0][2..] : flag[0][1..];
            switch (name)
            {
                case "h" or "help":
                    arguments = arguments with { ShowHelp = true };
                    return null;
                case "json" when flag.Length == 1:
                    arguments = arguments with { Json = true };
                    continue;
                case "json":
                    return $"flag '{flag[0]}' takes no value";
            }

            if (!ValueFlags.TryGetValue(name, out var apply))
            {
                return $"unknown flag '{flag[0]}'";
            }

            var value = flag.Length == 2 ? flag[1] : index + 1 < args.Count && !args[index + 1].StartsWith('-') ? args[++index] : null;
            if (string.IsNullOrWhiteSpace(value))
            {
                return $"flag '{flag[0]}' needs a value";
            }

            try
            {
                arguments = apply(arguments, value);
            }
            catch (FormatException)
            {
                return $"flag '{flag[0]}' needs a position, a whole number from 0";
            }
        }

        return null;
    }

    /// <summary>Checks that the command has what it needs and nothing it would ignore.</summary>
    private static string? CheckCommand(ToolArguments arguments)
    {
        if (arguments.ShowHelp)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(arguments.ConnectionString))
        {
            return $"no connection string; pass -connection or set {ToolArguments.ConnectionVariable}";
        }

        return arguments.Command switch
        {
            "status" when arguments.To is not null => "status takes no -to",
            "reset" when arguments.To is null => "reset needs -to <position>: 0 rebuilds from the start of the log",
            not "status" when arguments.Consumer is null => $"{arguments.Command} needs -consumer <name>",
            not "status" when arguments.Json => $"{arguments.Command} takes no -json",
            not "reset" when arguments.To is not null => $"{arguments.Command} takes no -to",
            _ => null,
        };
    }

    private static long ParsePosition(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : throw new FormatException();
}
