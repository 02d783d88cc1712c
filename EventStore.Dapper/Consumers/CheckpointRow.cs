namespace EventStore.Dapper;

/// <summary>A consumer's checkpoint row as a batch finds it when it locks the row.</summary>
/// <param name="Position">The checkpoint: every event up to it is handled.</param>
/// <param name="FailedPosition">The event the handler last failed on and that is not handled yet, or null.</param>
/// <param name="FailedAttempts">How many counted attempts failed on <paramref name="FailedPosition"/>.</param>
/// <param name="Stopped">The consumer stopped on a poison event and waits for <see cref="ConsumerAdmin.ResumeAsync"/>.</param>
internal readonly record struct CheckpointRow(long Position, long? FailedPosition, int FailedAttempts, bool Stopped)
{
    /// <summary>The columns every checkpoint lock returns, in this type's order.</summary>
    public const string Columns = "global_position, failed_position, failed_attempts, stopped_at IS NOT NULL";

    /// <summary>Whether a handler failure on <paramref name="position"/> is recorded and the checkpoint has not passed it.</summary>
    public bool FailedOn(long position) => FailedPosition == position && position > Position;
}
