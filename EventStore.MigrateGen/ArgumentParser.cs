using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using EventStore.Dapper;

namespace EventStore.MigrateGen;

/// <summary>
/// Reads flags the way Go's <c>flag</c> package does, as the Go original did: one or two dashes, and a value either
/// as the next argument or after <c>=</c>. Unlike Go, a value-taking flag followed by another flag is an error, so
/// <c>-output --force</c> never writes into a folder named <c>--force</c>. Only the syntax is checked here; the
/// values are checked by <see cref="MigrateGenCommand"/>.
/// </summary>
internal sealed class ArgumentParser
{
    private readonly IReadOnlyList<string> _args;
    private int _next;
    private MigrateGenArguments _arguments;

    private ArgumentParser(IReadOnlyList<string> args, DateTime utcNow)
    {
        _args = args;
        _arguments = new MigrateGenArguments
        {
            FileName = utcNow.ToString(MigrationEmitter.DefaultFileNameFormat, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Parses <paramref name="args"/>, stopping at the first problem or at a request for help.</summary>
    /// <param name="args">The command line arguments.</param>
    /// <param name="utcNow">The time that names the file when no <c>-filename</c> is given.</param>
    /// <param name="arguments">The parsed arguments, when the command line is valid.</param>
    /// <param name="problem">One line naming what is wrong, when it is not.</param>
    public static bool TryParse(
        IReadOnlyList<string> args,
        DateTime utcNow,
        [NotNullWhen(true)] out MigrateGenArguments? arguments,
        [NotNullWhen(false)] out string? problem)
    {
        var parser = new ArgumentParser(args, utcNow);
        problem = parser.ParseAll();
        arguments = problem is null ? parser._arguments : null;
        return problem is null;
    }

    private string? ParseAll()
    {
        while (_next < _args.Count && !_arguments.ShowHelp)
        {
            var problem = Parse(_args[_next++]);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private string? Parse(string argument)
    {
        if (!argument.StartsWith('-'))
        {
            return $"unexpected argument '{argument}'; every setting is a flag";
        }

        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        var flag = equals < 0 ? argument : argument[..equals];
        var inlineValue = equals < 0 ? null : argument[(equals + 1)..];
        // Exactly one or two dashes: "---output" stays unknown rather than being read as "-output".
        var name = flag.StartsWith("--", StringComparison.Ordinal) ? flag[2..] : flag[1..];
        return Apply(flag, name, inlineValue);
    }

    private string? Apply(string flag, string name, string? inlineValue)
    {
        switch (name)
        {
            case "h" or "help":
                _arguments = _arguments with { ShowHelp = true };
                return null;
            case "force" when inlineValue is null:
                _arguments = _arguments with { Force = true };
                return null;
            case "force":
                return $"flag '{flag}' takes no value";
            case "output":
                return TakeValue(flag, inlineValue, value => _arguments with { Output = value });
            case "filename":
                return TakeValue(flag, inlineValue, value => _arguments with { FileName = value });
            case "events-table":
                return TakeValue(flag, inlineValue, value => _arguments with { EventsTable = value });
            case "aggregate-heads-table":
                return TakeValue(flag, inlineValue, value => _arguments with { AggregateHeadsTable = value });
            case "checkpoints-table":
                return TakeValue(flag, inlineValue, value => _arguments with { CheckpointsTable = value });
            case "partition-size":
                return TakePartitionSize(flag, inlineValue);
            default:
                return $"unknown flag '{flag}'";
        }
    }

    private string? TakeValue(string flag, string? inlineValue, Func<string, MigrateGenArguments> apply)
    {
        var value = inlineValue ?? TakeNextValue();
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"flag '{flag}' needs a value";
        }

        _arguments = apply(value);
        return null;
    }

    private string? TakePartitionSize(string flag, string? inlineValue)
    {
        var value = inlineValue ?? TakeNextValue();
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
        {
            return $"flag '{flag}' needs a whole number of positions per partition, at least 1";
        }

        _arguments = _arguments with { PartitionSize = size };
        return null;
    }

    private string? TakeNextValue() =>
        _next < _args.Count && !_args[_next].StartsWith('-') ? _args[_next++] : null;
}
