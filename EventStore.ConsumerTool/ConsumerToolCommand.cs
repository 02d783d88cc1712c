using System.Text.Json;
using EventStore.Dapper;
using Npgsql;

namespace EventStore.ConsumerTool;

/// <summary>
/// The whole of <c>eventstore-consumers</c>: checks the command line and the table names, then runs the command in one
/// transaction of its own through <see cref="ConsumerAdmin"/>, and commits only when it succeeded.
/// </summary>
internal static class ConsumerToolCommand
{
    public const int Success = 0;

    /// <summary>The server refused the command or could not be reached; nothing was changed.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; nothing was sent.</summary>
    public const int UsageError = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, string? environmentConnection, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!ToolArgumentParser.TryParse(args, environmentConnection, out var arguments, out var problem))
        {
            return Usage(error, problem);
        }

        if (arguments.ShowHelp)
        {
            await output.WriteLineAsync(ToolUsage.Text).ConfigureAwait(false);
            return Success;
        }

        ConsumerAdmin admin;
        NpgsqlDataSource dataSource;
        try
        {
            admin = new ConsumerAdmin(arguments.ToOptions());
            dataSource = NpgsqlDataSource.Create(arguments.ConnectionString!);
        }
        catch (ArgumentException invalid)
        {
            return Usage(error, invalid.Message);
        }

        await using (dataSource.ConfigureAwait(false))
        {
            try
            {
                await RunInTransactionAsync(dataSource, admin, arguments, output, cancellationToken).ConfigureAwait(false);
                return Success;
            }
            catch (Exception refused) when (refused is ArgumentException or InvalidOperationException or NpgsqlException)
            {
                await error.WriteLineAsync($"eventstore-consumers: {refused.Message}").ConfigureAwait(false);
                return Failure;
            }
        }
    }

    private static async Task RunInTransactionAsync(
        NpgsqlDataSource dataSource, ConsumerAdmin admin, ToolArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var report = arguments.Command switch
                {
                    "status" => await StatusAsync(admin, transaction, arguments, cancellationToken).ConfigureAwait(false),
                    "reset" => string.Join(Environment.NewLine,
                        (await admin.ResetAsync(transaction, arguments.Consumer!, arguments.To!.Value, cancellationToken).ConfigureAwait(false))
                        .Select(move => $"{move.Consumer}: checkpoint moved from {move.From} to {move.To}")),
                    "resume" => await admin.ResumeAsync(transaction, arguments.Consumer!, cancellationToken).ConfigureAwait(false) is var resumed and > 0
                        ? $"{arguments.Consumer}: {resumed} stopped checkpoint row(s) resumed; running instances pick it up at their next poll"
                        : $"{arguments.Consumer}: not stopped; nothing to resume",
                    _ => $"{arguments.Consumer}: removed " +
                         string.Join(", ", await admin.RemoveAsync(transaction, arguments.Consumer!, cancellationToken).ConfigureAwait(false)),
                };
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(report).ConfigureAwait(false);
            }
        }
    }

    private static async Task<string> StatusAsync(ConsumerAdmin admin, NpgsqlTransaction transaction, ToolArguments arguments, CancellationToken cancellationToken)
    {
        var statuses = await admin.ReadStatusAsync(transaction, arguments.Consumer, cancellationToken).ConfigureAwait(false);
        if (arguments.Json)
        {
            return JsonSerializer.Serialize(statuses, Json);
        }

        return statuses.Count == 0
            ? $"No consumer{(arguments.Consumer is null ? "" : $" named {arguments.Consumer}")} has a checkpoint in {arguments.CheckpointsTable}."
            : string.Join(Environment.NewLine + Environment.NewLine, statuses.Select(ConsumerStatusText.Render));
    }

    private static int Usage(TextWriter error, string problem)
    {
        error.WriteLine($"eventstore-consumers: {problem}");
        error.WriteLine(ToolUsage.Hint);
        return UsageError;
    }
}
