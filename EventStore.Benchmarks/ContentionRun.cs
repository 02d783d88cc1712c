using System.Diagnostics;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>
/// Scenario 5, timed by hand: concurrent writers append single events with no version check to a few hot aggregates
/// for a fixed time. Throughput and failed appends are what matter here, not a per-call mean.
/// </summary>
internal sealed class ContentionRun(int writers, int aggregates, TimeSpan duration)
{
    public int Writers => writers;

    public int Aggregates => aggregates;

    public TimeSpan Duration => duration;

    public async Task<IReadOnlyList<ContentionResult>> RunAllAsync()
    {
        var ours = SampleEvents.NewAggregateId("hot-ours");
        var floor = SampleEvents.NewAggregateId("hot-raw2");
        var raw = SampleEvents.NewAggregateId("hot-raw1");
        var marten = SampleEvents.NewAggregateId("hot-marten");
        return
        [
            await RunAsync("Ours (Any)", async (connection, aggregate) =>
            {
                await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
                await Contenders.Store.AppendAsync(transaction, ExpectedVersion.Any, SampleEvents.For($"{ours}-{aggregate}", 1)).ConfigureAwait(false);
                await transaction.CommitAsync().ConfigureAwait(false);
            }).ConfigureAwait(false),
            await RunAsync("Raw two tables (Any)", (connection, aggregate) =>
                RawSql.AppendTwoTablesAsync(connection, SampleEvents.For($"{floor}-{aggregate}", 1))).ConfigureAwait(false),
            await RunAsync("Raw single table (max + 1)", (connection, aggregate) =>
                RawSql.AppendSingleTableAsync(connection, SampleEvents.For($"{raw}-{aggregate}", 1))).ConfigureAwait(false),
            await RunAsync("Marten (quick, unversioned)", async (_, aggregate) =>
            {
                await using var session = BenchEnvironment.Marten.LightweightSession();
                session.Events.Append($"{marten}-{aggregate}", SampleEvents.Body);
                await session.SaveChangesAsync().ConfigureAwait(false);
            }).ConfigureAwait(false),
        ];
    }

    private async Task<ContentionResult> RunAsync(string contender, Func<NpgsqlConnection, int, Task> append)
    {
        var succeeded = 0;
        var failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, writers).Select(async writer =>
        {
            await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
            var attempt = writer;
            while (clock.Elapsed < duration)
            {
                try
                {
                    await append(connection, attempt++ % aggregates).ConfigureAwait(false);
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception error) when (error is EventStoreException or PostgresException or NpgsqlException || error.GetType().Namespace?.StartsWith("Marten", StringComparison.Ordinal) == true || error.GetType().Namespace?.StartsWith("JasperFx", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"{error.GetType().Name}: {FirstLine(error.Message)}", null);
                }
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new ContentionResult(contender, succeeded, failed, clock.Elapsed, firstError);
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
