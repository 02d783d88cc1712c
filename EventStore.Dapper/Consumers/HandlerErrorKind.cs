namespace EventStore.Dapper;

/// <summary>How a handler failure counts towards giving up on its event.</summary>
internal enum HandlerErrorKind
{
    /// <summary>An attempt: after <see cref="ConsumerProcessorOptions.MaxAttempts"/> of them the event is poison.</summary>
    Counted,

    /// <summary>The event is poison at once (<see cref="PermanentHandlerException"/>).</summary>
    Permanent,

    /// <summary>Retried without counting (<see cref="TransientHandlerException"/>, or a transient Npgsql error).</summary>
    Transient,
}
