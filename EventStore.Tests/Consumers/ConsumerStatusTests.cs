using System.Diagnostics;
using System.Diagnostics.Metrics;
using EventStore.ConsumerTool;
using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// Status answers "why is this consumer behind?" from the checkpoint row, the holder's view and the server's own
/// catalogs: who holds it, how far behind it is, and which transaction holds its frontier back.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class ConsumerStatusTests(ProcessorSetup setup)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_caught_up_consumer_shows_no_lag_and_the_instance_holding_it()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 5));
        db.Start("instance-a", new SeenConsumer());
        await db.WaitUntilSeenAsync(stored, Bound);

        var status = await WaitForStatusAsync(db, SeenConsumer.DefaultName, s => s.Checkpoint == stored[^1].GlobalPosition && s.HeldBy is not null);

        status.Consumer.ShouldBe(SeenConsumer.DefaultName);
        status.LastPosition.ShouldBe(stored[^1].GlobalPosition);
        status.SafeFrontier.ShouldBe(stored[^1].GlobalPosition);
        status.Lag.ShouldBe(0);
        status.LagTime.ShouldBe(TimeSpan.Zero);
        status.OldestUnhandledAt.ShouldBeNull();
        status.BlockedBy.ShouldBeNull();
        status.HeldBy.ShouldStartWith($"{Environment.MachineName}:{Environment.ProcessId}:");
        status.ObservedAt.ShouldNotBeNull();
        status.StoppedAt.ShouldBeNull();
        if (setup.LeaseMode == ConsumerLeaseMode.Table)
        {
            status.LeaseExpiresAt.ShouldNotBeNull().ShouldBeGreaterThan(status.ReadAt);
            status.HolderProcessId.ShouldBeNull();
        }
        else
        {
            status.HolderProcessId.ShouldNotBeNull();
            status.LeaseExpiresAt.ShouldBeNull();
        }
    }

    [Test]
    public async Task A_consumer_held_back_by_an_idle_transaction_names_its_backend_and_shows_the_lag_until_it_commits()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var first = await db.AppendAsync(Events("Order", NewId(), 1));
        db.Start("instance-a", new SeenConsumer());
        await db.WaitUntilSeenAsync(first, Bound);

        await using var connection = await db.OpenConnectionAsync();
        await using var open = await connection.BeginTransactionAsync();
        var held = await db.Store.Store.AppendAsync(open, ExpectedVersion.Any, Events("Order", NewId(), 1));
        var backend = await BackendOfAsync(open);
        // Stamped now, as an application's own events are, so the lag in time is the time since they were written.
        var above = await db.AppendAsync([.. Events("Order", NewId(), 2).Select(e => e with { CreatedAt = DateTimeOffset.UtcNow })]);

        var blocked = await WaitForStatusAsync(db, SeenConsumer.DefaultName, s => s.BlockedBy?.ProcessId == backend);
        await TestContext.Out.WriteLineAsync(ConsumerStatusText.Render(blocked));

        var blocker = blocked.BlockedBy.ShouldNotBeNull();
        blocker.State.ShouldBe("idle in transaction");
        blocker.TransactionStartedAt.ShouldNotBeNull().ShouldBeLessThanOrEqualTo(blocker.HeldBackSince.AddSeconds(1));
        blocker.Query.ShouldNotBeNullOrWhiteSpace();
        blocked.Checkpoint.ShouldBe(first[^1].GlobalPosition);
        blocked.SafeFrontier.ShouldBe(first[^1].GlobalPosition, "the open transaction's position is not settled");
        blocked.LastPosition.ShouldBe(above[^1].GlobalPosition);
        blocked.Lag.ShouldBe(3);
        blocked.OldestUnhandledAt.ShouldBe(above[0].CreatedAt, "the held event is not committed, so the oldest unhandled one is above it");
        blocked.LagTime.ShouldBeGreaterThan(TimeSpan.Zero);
        blocked.LagTime.ShouldBeLessThan(Bound + Bound);

        await open.CommitAsync();
        await db.WaitUntilSeenAsync(first.Concat(held.Events).Concat(above), Bound);
        var released = await WaitForStatusAsync(db, SeenConsumer.DefaultName, s => s.Lag == 0 && s.BlockedBy is null);
        released.Checkpoint.ShouldBe(above[^1].GlobalPosition);
    }

    [Test]
    public async Task The_gauges_report_the_checkpoint_and_lag_of_the_consumers_this_instance_holds()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var name = $"gauged-{Guid.NewGuid():N}";
        var stored = await db.AppendAsync(Events("Order", NewId(), 4));
        db.Start("instance-a", new SeenConsumer(name));
        await db.WaitUntilSeenAsync(stored, Bound, name);

        var readings = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == EventStoreDiagnostics.ConsumerMeterName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        var clock = Stopwatch.StartNew();
        while (!(readings.GetValueOrDefault("eventstore.consumer.checkpoint") == stored[^1].GlobalPosition && clock.Elapsed < Bound))
        {
            readings.Clear();
            listener.RecordObservableInstruments();
            await Task.Delay(25);
        }

        readings["eventstore.consumer.checkpoint"].ShouldBe(stored[^1].GlobalPosition);
        readings["eventstore.consumer.lag"].ShouldBe(0);
        readings["eventstore.consumer.lag_time"].ShouldBe(0);
        readings["eventstore.consumer.blocked"].ShouldBe(0);

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "consumer", Value: string consumer } && consumer == name)
                {
                    lock (readings)
                    {
                        readings[instrument.Name] = value;
                    }
                }
            }
        }
    }

    /// <summary>Reads the status until it satisfies <paramref name="condition"/>, and fails with the last one read if it never does.</summary>
    internal static async Task<ConsumerStatus> WaitForStatusAsync(ConsumerDatabase db, string consumer, Func<ConsumerStatus, bool> condition)
    {
        var admin = new ConsumerAdmin(db.Store.Options);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var statuses = await db.Store.InTransactionAsync(transaction => admin.ReadStatusAsync(transaction, consumer));
            var status = statuses.SingleOrDefault();
            if (status is not null && condition(status))
            {
                return status;
            }

            if (clock.Elapsed > Bound)
            {
                Assert.Fail($"After {Bound.TotalSeconds:0} s the status of '{consumer}' is still {status?.ToString() ?? "missing"}; {string.Join("; ", db.Log.Problems)}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The server process behind a transaction, which through PgBouncer is not the one Npgsql was told of.</summary>
    internal static async Task<int> BackendOfAsync(NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", transaction.Connection, transaction);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
