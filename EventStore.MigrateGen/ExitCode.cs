namespace EventStore.MigrateGen;

/// <summary>The process exit codes of <c>migrate-gen</c>, following the Go original: 2 for a usage error.</summary>
internal static class ExitCode
{
    public const int Success = 0;

    /// <summary>The arguments were valid but writing failed, for example for lack of permission.</summary>
    public const int Failure = 1;

    /// <summary>The arguments were wrong; nothing was written.</summary>
    public const int UsageError = 2;
}
