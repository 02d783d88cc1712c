namespace EventStore.Dapper;

/// <summary>
/// What a <see cref="ConsumerProcessor"/> does with an event that its consumer's handler keeps failing on, after
/// <see cref="ConsumerProcessorOptions.MaxAttempts"/> attempts or a <see cref="PermanentHandlerException"/>.
/// </summary>
public enum PoisonEventHandling
{
    /// <summary>
    /// The consumer stops on the event, on every instance and across restarts, until
    /// <see cref="ConsumerAdmin.ResumeAsync"/> lets it run again; other consumers go on. Nothing is skipped.
    /// </summary>
    Stop = 0,

    /// <summary>
    /// The event is recorded as a dead letter in the same transaction that moves the checkpoint past it, and the consumer
    /// goes on with the events after it. The consumer never sees the event in order; replay it with
    /// <see cref="ConsumerAdmin.ReplayDeadLettersAsync"/> once the handler is fixed.
    /// </summary>
    DeadLetter = 1,
}
