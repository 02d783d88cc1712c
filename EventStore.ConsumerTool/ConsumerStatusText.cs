using System.Globalization;
using System.Text;
using EventStore.Dapper;

namespace EventStore.ConsumerTool;

/// <summary>
/// Writes a consumer's status for an operator: first one line that says why it is where it is, then the figures that
/// show it. Times are relative to when the status was read, by the server's clock.
/// </summary>
internal static class ConsumerStatusText
{
    public static string Render(ConsumerStatus status)
    {
        var text = new StringBuilder();
        Line(text, "consumer", $"{status.Consumer}: {Diagnose(status)}");
        Line(text, "checkpoint", $"{status.Checkpoint:N0}, moved {Ago(status.ReadAt - status.CheckpointMovedAt)}");
        Line(text, "frontier", $"safe to {status.SafeFrontier:N0}; last position taken {status.LastPosition:N0}" +
                               (status.ObservedAt is { } observed ? $" (holder's view {Ago(status.ReadAt - observed)})" : string.Empty));
        Line(text, "lag", $"{status.Lag:N0} positions" +
                          (status.OldestUnhandledAt is null ? string.Empty : $", oldest unhandled event stored {Ago(status.LagTime)}"));
        Line(text, "held by", HolderText(status));
        if (status.BlockedBy is { } blocker)
        {
            Line(text, "held back", BlockerText(blocker, status.ReadAt));
        }

        if (status.LastError is { } error)
        {
            Line(text, "last error", $"{Ago(status.ReadAt - status.LastErrorAt!.Value)}: {error}");
        }

        if (status.FailedPosition is { } failed)
        {
            Line(text, "failing", $"{status.FailedAttempts} failed attempt(s) at position {failed:N0}");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>The one answer to "why is it behind?", most pressing first.</summary>
    private static string Diagnose(ConsumerStatus status) => status switch
    {
        { StoppedAt: not null } =>
            $"STOPPED on the event at position {status.FailedPosition:N0} after {status.FailedAttempts} failed attempt(s); fix the handler or the data, " +
            $"then run: eventstore-consumers resume -consumer {status.Consumer}",
        { HeldBy: null } when status.Lag > 0 => "NOT RUNNING: no instance holds it, so nothing moves it",
        { FailedPosition: not null } => $"RETRYING the event at position {status.FailedPosition:N0}, which its handler keeps failing",
        { BlockedBy: { } blocker } when status.Checkpoint >= status.SafeFrontier =>
            $"WAITING for backend {blocker.ProcessId}: its transaction may still commit events below position {status.LastPosition:N0}, " +
            "and the consumer never skips them; end that transaction to release it",
        _ when status.Checkpoint < status.SafeFrontier => $"CATCHING UP: {status.SafeFrontier - status.Checkpoint:N0} positions to the safe frontier",
        _ when status.Lag > 0 => "WAITING for running appends to commit or roll back",
        _ => "UP TO DATE",
    };

    private static string HolderText(ConsumerStatus status)
    {
        if (status.HeldBy is null && status.HolderProcessId is null)
        {
            return "no instance";
        }

        var holder = status.HeldBy ?? "an instance that has not reported yet";
        return status.LeaseExpiresAt is { } expires
            ? $"{holder} (table lease, expires in {Seconds(expires - status.ReadAt)})"
            : $"{holder} (advisory lock, backend {status.HolderProcessId})";
    }

    private static string BlockerText(FrontierBlocker blocker, DateTimeOffset readAt)
    {
        if (blocker.ProcessId == 0)
        {
            return $"a prepared transaction (see pg_prepared_xacts), holding it back for {Seconds(readAt - blocker.HeldBackSince)}";
        }

        var open = blocker.TransactionStartedAt is { } started ? $", transaction open {Seconds(readAt - started)}" : string.Empty;
        var application = string.IsNullOrEmpty(blocker.ApplicationName) ? string.Empty : $", application \"{blocker.ApplicationName}\"";
        var client = blocker.ClientAddress is null ? string.Empty : $", client {blocker.ClientAddress}";
        return $"backend {blocker.ProcessId} ({blocker.State}{open}{application}{client}), holding it back for " +
               $"{Seconds(readAt - blocker.HeldBackSince)}; last statement: {blocker.Query}";
    }

    private static void Line(StringBuilder text, string label, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"  {label,-11} {value}").AppendLine();

    private static string Ago(TimeSpan elapsed) => $"{Seconds(elapsed)} ago";

    private static string Seconds(TimeSpan elapsed) =>
        elapsed.TotalSeconds.ToString(elapsed.TotalSeconds < 10 ? "0.0" : "N0", CultureInfo.InvariantCulture) + " s";
}
