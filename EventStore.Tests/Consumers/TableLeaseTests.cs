using System.Diagnostics;
using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Table leases (<see cref="ConsumerLeaseMode.Table"/>): the epoch in the checkpoint row fences an instance that lost
/// its lease, so it never commits a batch after another instance took over, directly or behind PgBouncer.
/// </summary>
[TestFixture(ServerRoute.Direct)]
[TestFixture(ServerRoute.PgBouncer)]
public sealed class TableLeaseTests(ServerRoute route)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The first holder's lease lasts a minute, so it renews it only every 20 seconds; the test expires it by hand while
    /// the holder idles, which is what a holder frozen for longer than its lease looks like to the others. The holder
    /// still believes it holds the consumer when the next event arrives.
    /// </summary>
    [Test]
    public async Task A_holder_whose_lease_expired_and_was_taken_over_never_handles_another_event_and_says_it_lost_the_lease()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: new ProcessorSetup(ConsumerLeaseMode.Table, route));
        var options = db.ProcessorOptions with { LeaseDuration = TimeSpan.FromMinutes(1) };
        var first = await db.AppendAsync(Events("Order", NewId(), 1));
        db.Start("instance-a", options, new SeenConsumer());
        await db.WaitUntilSeenAsync(first, Bound);
        var (ownerA, epochA) = (await LeaseAsync(db))!.Value;

        await ExecuteAsync(db, "UPDATE consumer_checkpoints SET lease_expires_at = clock_timestamp() - interval '1 second'");
        db.Start("instance-b", options, new SeenConsumer());
        var (ownerB, epochB) = await WaitForNewHolderAsync(db, ownerA);
        var second = await db.AppendAsync(Events("Order", NewId(), 3));
        var seen = await db.WaitUntilSeenAsync(second, Bound);

        epochB.ShouldBe(epochA + 1);
        ownerB.ShouldNotBe(ownerA);
        seen.Where(row => second.Any(e => e.EventId == row.EventId)).ShouldAllBe(row => row.Instance == "instance-b");
        await WaitForLogAsync(db, $"lost its lease of epoch {epochA}");
    }

    [Test]
    public async Task A_clean_stop_gives_the_lease_up_so_another_instance_takes_over_at_once_rather_than_when_it_expires()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: new ProcessorSetup(ConsumerLeaseMode.Table, route));
        var options = db.ProcessorOptions with { LeaseDuration = TimeSpan.FromMinutes(1) };
        var first = await db.AppendAsync(Events("Order", NewId(), 1));
        var a = db.Start("instance-a", options, new SeenConsumer());
        await db.WaitUntilSeenAsync(first, Bound);
        db.Start("instance-b", options, new SeenConsumer());

        a.Cancel();
        await a.Run.WaitAsync(Bound);
        var clock = Stopwatch.StartNew();
        var second = await db.AppendAsync(Events("Order", NewId(), 1));
        var seen = await db.WaitUntilSeenAsync(second, Bound);

        seen[^1].Instance.ShouldBe("instance-b");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "the lease was not given up, so instance-b waited for it to expire");
    }

    private static async Task<(string Owner, long Epoch)?> LeaseAsync(ConsumerDatabase db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT lease_owner, lease_epoch FROM consumer_checkpoints WHERE consumer_name = @consumer", connection);
        command.Parameters.AddWithValue("consumer", SeenConsumer.DefaultName);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() && !reader.IsDBNull(0) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private static async Task<(string Owner, long Epoch)> WaitForNewHolderAsync(ConsumerDatabase db, string previousOwner)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await LeaseAsync(db) is { } lease && lease.Owner != previousOwner)
            {
                return lease;
            }

            clock.Elapsed.ShouldBeLessThan(Bound, "no other instance took the expired lease");
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

    private static async Task WaitForLogAsync(ConsumerDatabase db, string text)
    {
        var clock = Stopwatch.StartNew();
        while (!db.Log.Entries.Any(entry => entry.Message.Contains(text, StringComparison.Ordinal)))
        {
            clock.Elapsed.ShouldBeLessThan(Bound, $"nothing logged \"{text}\"; the log has: {string.Join("; ", db.Log.Problems)}");
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

    private static async Task ExecuteAsync(ConsumerDatabase db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
