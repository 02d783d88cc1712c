namespace EventStore.Tests.Examples;

/// <summary>Runs an example's built program the way a user would, against the database in EVENTSTORE_CONNECTION.</summary>
internal static class ExampleProgram
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <param name="assemblyName">The example's dll, copied next to the tests because the test project references it.</param>
    /// <param name="connectionString">The database the example is to use.</param>
    public static Task<(int ExitCode, string Output, string Errors)> RunAsync(string assemblyName, string connectionString) =>
        ChildProgram.RunAsync(Path.Combine(AppContext.BaseDirectory, assemblyName), connectionString, Timeout);
}
