using EventStore.Testing;

namespace EventStore.Tests;

/// <summary>
/// The one PgBouncer of this test run, in transaction pooling mode in front of <see cref="TestServer.Server"/>: started
/// the first time a test asks for it, and stopped at the end of the run.
/// </summary>
/// <remarks>
/// Where pgbouncer is not installed, a test that asks for it is ignored, with the message naming the package to
/// install; in CI (the environment variable <c>CI</c> is <c>true</c>) it fails instead, since CI installs pgbouncer
/// and must never skip what it was set up to test.
/// </remarks>
[SetUpFixture]
public sealed class TestPooler
{
    private static readonly Lock Starting = new();
    private static Task<PgBouncer>? _pooler;

    /// <summary>The run's pooler, started on the first call.</summary>
    public static Task<PgBouncer> RequireAsync()
    {
        RequireBinary();
        lock (Starting)
        {
            return _pooler ??= PgBouncer.StartAsync(TestServer.Server, new PgBouncerOptions
            {
                PoolMode = PgBouncerPoolMode.Transaction,
                DefaultPoolSize = 20,
                Log = TestContext.Progress.WriteLine,
            });
        }
    }

    /// <summary>The pgbouncer program, for a test that starts a pooler of its own.</summary>
    public static string RequireBinary()
    {
        var binary = PgBouncer.FindBinary();
        if (binary is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(PgBouncer.MissingBinaryMessage);
            }

            Assert.Ignore(PgBouncer.MissingBinaryMessage);
        }

        return binary;
    }

    [OneTimeTearDown]
    public async Task StopPooler()
    {
        Task<PgBouncer>? started;
        lock (Starting)
        {
            started = _pooler;
            _pooler = null;
        }

        if (started is null)
        {
            return;
        }

        // A start that failed has cleaned up after itself, and failed each test that asked for it.
        await ((Task)started).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (started.IsCompletedSuccessfully)
        {
            await (await started).DisposeAsync();
        }
    }
}
