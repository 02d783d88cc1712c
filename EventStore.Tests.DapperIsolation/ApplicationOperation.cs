using Npgsql;

namespace EventStore.Tests.DapperIsolation;

/// <summary>One of the application's own Dapper calls, run on its connection.</summary>
/// <param name="Name">A short description, unique in the list.</param>
/// <param name="Run">The call; its result is described by <see cref="OutcomeText"/>.</param>
internal sealed record ApplicationOperation(string Name, Func<NpgsqlConnection, Task<object?>> Run)
{
    public static ApplicationOperation Of<T>(string name, Func<NpgsqlConnection, Task<T>> run) =>
        new(name, async connection => await run(connection));

    public async Task<Outcome> RunAsync(NpgsqlConnection connection)
    {
        try
        {
            return new Outcome(Name, OutcomeText.Describe(await Run(connection)));
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            return new Outcome(Name, OutcomeText.Describe(failure));
        }
    }
}
