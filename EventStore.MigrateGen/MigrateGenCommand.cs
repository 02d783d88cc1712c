using EventStore.Dapper;

namespace EventStore.MigrateGen;

/// <summary>
/// The whole of <c>migrate-gen</c>: parses the flags, checks every value, and only then touches the file system, so
/// a usage error never leaves a file or a folder behind.
/// </summary>
internal static class MigrateGenCommand
{
    /// <summary>Runs the command.</summary>
    /// <param name="args">The command line arguments.</param>
    /// <param name="output">Receives the written path, or the help text.</param>
    /// <param name="error">Receives one line naming the problem, followed by <see cref="Usage.Hint"/> for a usage error.</param>
    /// <returns>One of the <see cref="ExitCode"/> values.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (!ArgumentParser.TryParse(args, DateTime.UtcNow, out var arguments, out var problem))
        {
            return UsageError(error, problem);
        }

        if (arguments.ShowHelp)
        {
            output.WriteLine(Usage.Text);
            return ExitCode.Success;
        }

        if (!TryRender(arguments, out var schema, out problem))
        {
            return UsageError(error, problem);
        }

        var exists = File.Exists(arguments.FilePath);
        if (exists && !arguments.Force)
        {
            return UsageError(error, $"'{arguments.FilePath}' already exists; pass --force to overwrite");
        }

        return Write(arguments, schema, overwrite: exists, output, error);
    }

    /// <summary>Checks the file name and the table names, and renders the DDL.</summary>
    private static bool TryRender(MigrateGenArguments arguments, out string schema, out string problem)
    {
        schema = problem = string.Empty;
        // Checked before the existing-file check, so a bad name is reported as such and not as some other file.
        if (!MigrationEmitter.IsPlainFileName(arguments.FileName))
        {
            problem = $"file name '{arguments.FileName}' is not a plain file name; pass the folder with -output";
            return false;
        }

        try
        {
            schema = MigrationEmitter.Render(arguments.ToOptions());
            return true;
        }
        catch (ArgumentException exception)
        {
            problem = WithoutParameterName(exception);
            return false;
        }
    }

    /// <summary>
    /// <see cref="ArgumentException.Message"/> ends with "(Parameter 'EventsTable')", which says nothing on a command
    /// line. The suffix is built the same way the runtime builds it, so this holds in any language.
    /// </summary>
    private static string WithoutParameterName(ArgumentException exception)
    {
        var suffix = new ArgumentException(string.Empty, exception.ParamName).Message;
        return exception.ParamName is not null && exception.Message.EndsWith(suffix, StringComparison.Ordinal)
            ? exception.Message[..^suffix.Length]
            : exception.Message;
    }

    private static int Write(MigrateGenArguments arguments, string schema, bool overwrite, TextWriter output, TextWriter error)
    {
        string path;
        try
        {
            path = overwrite
                ? Overwrite(arguments.FilePath, schema)
                : MigrationEmitter.Write(arguments.ToOptions(), arguments.Output, arguments.FileName);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Includes a file created by someone else since the check in Run: MigrationEmitter never overwrites.
            error.WriteLine($"migrate-gen: {exception.Message}");
            return ExitCode.Failure;
        }

        output.WriteLine(path);
        return ExitCode.Success;
    }

    /// <summary>Replaces the file's content; UTF-8 without a BOM, as <see cref="MigrationEmitter.Write"/> writes it.</summary>
    private static string Overwrite(string path, string schema)
    {
        File.WriteAllText(path, schema);
        return path;
    }

    private static int UsageError(TextWriter error, string problem)
    {
        error.WriteLine($"migrate-gen: {problem}");
        error.WriteLine(Usage.Hint);
        return ExitCode.UsageError;
    }
}
