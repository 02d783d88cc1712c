using System.Diagnostics;
using EventStore.Tests.Store;
using Npgsql;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Soak;

/// <summary>
/// Eight connections append and read on a handful of aggregates for a bounded time while tokens are cancelled at random
/// and one writer's server process is terminated. Whatever a worker was told, and whatever it was not, the events
/// table must hold every acknowledged append exactly as acknowledged and no append in part.
/// </summary>
public sealed class SoakTests : StoreFixture
{
    private const int Workers = 8;
    private const int KillAfterAcknowledged = 200;
    private static readonly TimeSpan WorkFor = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Appends_survive_random_cancellations_and_a_killed_backend_whole_or_not_at_all()
    {
        var seed = Environment.TickCount;
        await TestContext.Progress.WriteLineAsync($"Soak seed: {seed}");
        var ledger = new SoakLedger(KillAfterAcknowledged);
        string[] aggregates = [NewId("soak"), NewId("soak"), NewId("soak"), NewId("soak")];
        var workers = Enumerable.Range(0, Workers)
            .Select(worker => new SoakWorker(worker, Db, ledger, aggregates, new Random(seed + worker)))
            .ToList();
        var clock = Stopwatch.StartNew();

        var running = workers.Select(worker => Task.Run(() => worker.RunAsync(() => clock.Elapsed < WorkFor))).ToList();
        var (killed, killedGeneration) = await KillOneWriterAsync(ledger, workers[0]);
        await Task.WhenAll(running);

        var appends = ledger.Appends;
        var stored = await ReadStoredAsync();
        var acknowledged = appends.Where(append => append.Acknowledged).ToList();
        var unacknowledged = appends.Where(append => !append.Acknowledged).ToList();
        var storedIds = stored.Select(row => row.EventId).ToHashSet();
        var unacknowledgedButStored = unacknowledged.Count(append => storedIds.Contains(append.Events[0].EventId));
        await TestContext.Progress.WriteLineAsync(
            $"{acknowledged.Count} appends acknowledged, {unacknowledged.Count} not ({unacknowledgedButStored} of them stored whole, " +
            $"{unacknowledged.Count(append => append.Failure is OptimisticConcurrencyException)} conflicts), {ledger.Reads} reads, " +
            $"{ledger.CancelledDuring} cancellations of running statements, {ledger.CancelledBefore} before anything was sent, " +
            $"{ledger.Reconnects} reconnects, backend of worker 0 killed: {killed}; {stored.Count} events stored.");

        ledger.ReadAnomalies.ShouldBeEmpty();
        EveryEventIdIsStoredOnce(stored);
        VersionsAreContiguous(stored);
        AcknowledgedAppendsAreStoredAsAcknowledged(acknowledged, stored);
        UnacknowledgedAppendsAreWholeOrAbsent(unacknowledged, storedIds);
        storedIds.SetEquals(appends.Where(append => append.Acknowledged || storedIds.Contains(append.Events[0].EventId))
            .SelectMany(append => append.Events).Select(e => e.EventId)).ShouldBeTrue("every stored event comes from a recorded append");

        // The run had substance: real work, cancellations that hit running statements, and a writer that came back.
        acknowledged.Count.ShouldBeGreaterThan(KillAfterAcknowledged);
        ledger.CancelledDuring.ShouldBeGreaterThan(0);
        ledger.CancelledBefore.ShouldBeGreaterThan(0);
        killed.ShouldBeTrue();
        acknowledged.ShouldContain(append => append.Worker == 0 && append.Generation > killedGeneration, "worker 0 carried on after the kill");
    }

    /// <summary>
    /// Once the run is warmed up, terminates worker 0's server process from a connection of its own, and returns whether
    /// that worked and which of the worker's connections it hit.
    /// </summary>
    private async Task<(bool Killed, int Generation)> KillOneWriterAsync(SoakLedger ledger, SoakWorker worker)
    {
        // A safety limit only: the warm-up normally takes a second or two.
        await ledger.WarmedUp.WaitAsync(TimeSpan.FromSeconds(60));
        var (processId, generation) = worker.Backend;
        await using var connection = await Db.OpenConnectionAsync();
        var killed = await ScalarAsync<bool>(connection, "SELECT pg_terminate_backend(@pid)", ("pid", processId));
        return (killed, generation);
    }

    private async Task<List<StoredRow>> ReadStoredAsync()
    {
        await using var connection = await Db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT aggregate_id, aggregate_version, global_position, event_id FROM events WHERE aggregate_type = @type", connection);
        command.Parameters.AddWithValue("type", SoakWorker.AggregateType);
        var rows = new List<StoredRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetGuid(3)));
        }

        return rows;
    }

    private static void EveryEventIdIsStoredOnce(List<StoredRow> stored) =>
        stored.GroupBy(row => row.EventId).Where(rows => rows.Count() > 1).Select(rows => rows.Key).ShouldBeEmpty("event ids stored twice");

    private static void VersionsAreContiguous(List<StoredRow> stored)
    {
        foreach (var aggregate in stored.GroupBy(row => row.AggregateId))
        {
            var outOfPlace = aggregate.Select(row => row.Version).Order().Select((version, i) => (Stored: version, Expected: i + 1L))
                .FirstOrDefault(pair => pair.Stored != pair.Expected);
            outOfPlace.ShouldBe(default, $"{aggregate.Key}: the first stored version out of place, and the version expected there");
        }
    }

    private static void AcknowledgedAppendsAreStoredAsAcknowledged(List<RecordedAppend> acknowledged, List<StoredRow> stored)
    {
        var byId = stored.ToDictionary(row => row.EventId);
        foreach (var e in acknowledged.SelectMany(append => append.Result!.Events))
        {
            var row = byId.GetValueOrDefault(e.EventId).ShouldNotBeNull($"acknowledged event {e.EventId} is stored");
            (row.AggregateId, row.Version, row.Position).ShouldBe((e.AggregateId, e.AggregateVersion, e.GlobalPosition));
        }
    }

    private static void UnacknowledgedAppendsAreWholeOrAbsent(List<RecordedAppend> unacknowledged, HashSet<Guid> storedIds)
    {
        foreach (var append in unacknowledged)
        {
            var storedCount = append.Events.Count(e => storedIds.Contains(e.EventId));
            storedCount.ShouldBeOneOf([0, append.Events.Count], $"an unacknowledged append of {append.Events.Count} events");
            if (append.Failure is OptimisticConcurrencyException)
            {
                storedCount.ShouldBe(0, "a conflicting append stores nothing");
            }
        }
    }
}
