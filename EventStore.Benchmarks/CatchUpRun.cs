using System.Diagnostics;
using EventStore.Dapper;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>
/// Scenario 6, timed by hand: a <see cref="ConsumerProcessor"/> catches up from scratch over events already stored.
/// Ours only: the other contenders have no processor with the same guarantees.
/// </summary>
internal static class CatchUpRun
{
    private const string AggregateType = "CatchUp";

    public static async Task<CatchUpResult> RunAsync(int events)
    {
        for (var written = 0; written < events; written += 100)
        {
            await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            var batch = SampleEvents.For(AggregateType, SampleEvents.NewAggregateId("catch-up"), 100);
            await Contenders.Store.AppendAsync(transaction, ExpectedVersion.Any, batch).ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }

        // As a consumer catching up in production would, it reads a log whose statistics know these events.
        await using (var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false))
        await using (var analyze = new NpgsqlCommand("ANALYZE events", connection))
        {
            await analyze.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var options = new ConsumerProcessorOptions();
        var consumer = new CountingConsumer(AggregateType, events);
        var processor = new ConsumerProcessor(BenchEnvironment.DataSource, [consumer], options);
        using var stop = new CancellationTokenSource();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var running = processor.RunAsync(stop.Token);
        await consumer.Done.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await stop.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        return new CatchUpResult(events, options.BatchSize, elapsed, allocated);
    }
}
