namespace EventStore.Tests.Consumers;

/// <summary>The failure columns of a consumer's checkpoint row.</summary>
/// <param name="Position">The checkpoint.</param>
/// <param name="FailedPosition">The event the handler last failed on, until the checkpoint passes it.</param>
/// <param name="FailedAttempts">The counted attempts that failed on it.</param>
/// <param name="LastError">The last error, kept after the checkpoint passes the event.</param>
/// <param name="LastErrorAt">When it happened.</param>
/// <param name="StoppedAt">When the consumer stopped on a poison event; null while it runs.</param>
internal sealed record FailureRow(
    long Position, long? FailedPosition, int FailedAttempts, string? LastError, DateTime? LastErrorAt, DateTime? StoppedAt);
