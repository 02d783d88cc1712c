using System.Data;
using EventStore.Consumers;
using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// Archival of a partitioned log end to end on a real server: which partitions leave, the consumer named when one holds
/// them back, reads that would skip archived events failing instead of returning holes, ids and versions that stay
/// taken, and the operator's way back, attaching a detached partition again.
/// </summary>
public sealed class ArchivalTests
{
    private const string Order = "Order";
    private const long Size = 10;

    [Test]
    public async Task Only_partitions_every_consumer_has_passed_are_archived_and_the_consumer_holding_the_next_is_named()
    {
        await using var log = await ArchivedLog.CreateAsync();
        await log.AppendAsync(NewAggregateId(), 45);
        await log.SetCheckpointAsync("fast", 45);
        await log.SetCheckpointAsync("slow", 25);

        var archival = await log.ArchiveAsync(long.MaxValue);

        archival.Archived.Count.ShouldBe(2);
        archival.Archived[0].FirstPosition.ShouldBeLessThanOrEqualTo(1);
        archival.Archived[0].LastPosition.ShouldBe(archival.Archived[1].FirstPosition - 1);
        archival.Archived[1].LastPosition.ShouldBeLessThanOrEqualTo(25);
        archival.HeldBack.ShouldNotBeNull();
        archival.HeldBack.Consumer.ShouldBe("slow");
        archival.HeldBack.Checkpoint.ShouldBe(25);
        archival.HeldBack.Partition.FirstPosition.ShouldBe(archival.Archived[1].LastPosition + 1);
        archival.HeldBack.Partition.LastPosition.ShouldBeGreaterThan(25);
        foreach (var partition in archival.Archived)
        {
            (await log.ScalarAsync<bool>($"SELECT to_regclass('{partition.Name}') IS NOT NULL")).ShouldBeTrue("a detached partition stays a table");
            (await log.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = '{partition.Name}'::regclass)")).ShouldBeFalse();
        }

        (await log.ScalarAsync<long>("SELECT count(*) FROM events_archive")).ShouldBe(2);
        (await log.ScalarAsync<long>("SELECT min(global_position) FROM events")).ShouldBe(archival.Archived[1].LastPosition + 1);
    }

    [Test]
    public async Task Without_consumers_archival_stops_at_the_callers_bound_and_never_takes_the_partition_still_being_written()
    {
        await using var log = await ArchivedLog.CreateAsync();
        await log.AppendAsync(NewAggregateId(), 35);

        var bounded = await log.ArchiveAsync(Size + 5);
        var unbounded = await log.ArchiveAsync(long.MaxValue);
        var appended = await log.AppendAsync(NewAggregateId(), 3);

        bounded.Archived.Count.ShouldBe(1);
        bounded.HeldBack.ShouldBeNull();
        unbounded.Archived.ShouldAllBe(partition => partition.LastPosition <= 35);
        unbounded.Archived[^1].LastPosition.ShouldBeGreaterThan(35 - Size);
        appended.GlobalPositions.ShouldBe([36L, 37L, 38L]);
    }

    [Test]
    public async Task Reading_the_log_or_a_stream_into_an_archived_partition_fails_naming_it_and_reads_past_it_still_work()
    {
        await using var log = await ArchivedLog.CreateAsync();
        var old = NewAggregateId();
        await log.AppendAsync(old, 15);
        await log.AppendAsync(NewAggregateId(), 10);
        await log.AppendAsync(old, 3);
        var archival = await log.ArchiveAsync(20);
        var archivedThrough = archival.Archived[^1].LastPosition;

        var fromStart = await Should.ThrowAsync<ArchivedEventsException>(() => log.ReadEventsAsync(0));
        var fromInside = await Should.ThrowAsync<ArchivedEventsException>(() => log.ReadEventsAsync(archivedThrough - 1));
        var whole = await Should.ThrowAsync<ArchivedEventsException>(() => log.ReadStreamAsync(old, null, null));
        var pastIt = await log.ReadEventsAsync(archivedThrough);
        var recent = await log.ReadStreamAsync(old, 16, null);

        fromStart.Partition.ShouldBe(archival.Archived[0].Name);
        fromStart.Message.ShouldContain($"Positions {archival.Archived[0].FirstPosition} to {archival.Archived[0].LastPosition} of \"events\" are archived");
        fromStart.Message.ShouldContain("ATTACH PARTITION");
        fromInside.Partition.ShouldBe(archival.Archived[^1].Name);
        whole.Partition.ShouldBe(archival.Archived[0].Name);
        pastIt[0].GlobalPosition.ShouldBe(archivedThrough + 1);
        recent.Events.Select(e => e.AggregateVersion).ShouldBe([16L, 17L, 18L]);
    }

    [Test]
    public async Task An_archived_events_id_stays_a_duplicate_and_its_stream_versions_are_never_taken_again()
    {
        await using var log = await ArchivedLog.CreateAsync();
        var id = NewAggregateId();
        var first = Events(Order, id, 5);
        await log.AppendAsync(first);
        await log.AppendAsync(NewAggregateId(), 20);
        await log.ArchiveAsync(Size);

        await Should.ThrowAsync<DuplicateEventException>(() => log.AppendAsync(first));
        await Should.ThrowAsync<OptimisticConcurrencyException>(() => log.AppendAsync(Events(Order, id, 1), ExpectedVersion.NoStream));
        var next = await log.AppendAsync(Events(Order, id, 1), ExpectedVersion.Exact(5));

        next.Events[0].AggregateVersion.ShouldBe(6);
    }

    [Test]
    public async Task A_consumer_whose_checkpoint_lies_below_an_archived_partition_is_stopped_instead_of_skipping_it()
    {
        await using var log = await ArchivedLog.CreateAsync();
        await log.AppendAsync(NewAggregateId(), 25);
        await log.ArchiveAsync(Size);
        var consumer = new CountingConsumer("late-projection");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var refused = await Should.ThrowAsync<UnsafeEventLogException>(
            () => new ConsumerProcessor(log.DataSource, [consumer], new ConsumerProcessorOptions { Store = log.Options }).RunAsync(stop.Token));

        refused.Assumption.ShouldBe("archived events");
        refused.Message.ShouldContain("Consumer late-projection has its checkpoint at 0");
        consumer.Handled.ShouldBe(0);
        (await log.ScalarAsync<long>("SELECT global_position FROM consumer_checkpoints WHERE consumer_name = 'late-projection'")).ShouldBe(0);
    }

    [Test]
    public async Task A_detached_partition_attached_again_as_the_error_says_makes_the_log_whole()
    {
        await using var log = await ArchivedLog.CreateAsync();
        var id = NewAggregateId();
        await log.AppendAsync(id, 15);
        var archived = (await log.ArchiveAsync(Size)).Archived.ShouldHaveSingleItem();
        var refused = await Should.ThrowAsync<ArchivedEventsException>(() => log.ReadStreamAsync(id, null, null));
        var attach = refused.Message[refused.Message.IndexOf("ALTER TABLE", StringComparison.Ordinal)..refused.Message.IndexOf(" and delete", StringComparison.Ordinal)];

        await log.ExecuteAsync($"{attach}; DELETE FROM events_archive WHERE partition_name = '{archived.Name}'");
        var stream = await log.ReadStreamAsync(id, null, null);

        stream.Events.Select(e => e.AggregateVersion).ShouldBe(Enumerable.Range(1, 15).Select(version => (long)version));
        (await log.ReadEventsAsync(0))[0].GlobalPosition.ShouldBe(1);
    }

    /// <summary>A partitioned log of partitions of <see cref="Size"/> positions, with enough of them made ahead.</summary>
    private sealed class ArchivedLog : IAsyncDisposable
    {
        private ArchivedLog(TemporaryDatabase database, NpgsqlDataSource dataSource)
        {
            Database = database;
            DataSource = dataSource;
            Store = new PostgresEventStore(Options);
        }

        public EventStoreOptions Options { get; } = new() { PartitionSize = Size };

        public PostgresEventStore Store { get; }

        public TemporaryDatabase Database { get; }

        public NpgsqlDataSource DataSource { get; }

        public static async Task<ArchivedLog> CreateAsync()
        {
            var database = await TestServer.CreateDatabaseAsync();
            var log = new ArchivedLog(database, NpgsqlDataSource.Create(database.ConnectionString));
            await log.ExecuteAsync(MigrationEmitter.Render(log.Options));
            await log.InTransactionAsync(transaction => log.Store.CreatePartitionsAsync(transaction, 10));
            return log;
        }

        public Task<AppendResult> AppendAsync(string aggregateId, int count) => AppendAsync(Events(Order, aggregateId, count));

        public Task<AppendResult> AppendAsync(Event[] events, ExpectedVersion? expectedVersion = null) =>
            InTransactionAsync(transaction => Store.AppendAsync(transaction, expectedVersion ?? ExpectedVersion.Any, events));

        public Task<PartitionArchival> ArchiveAsync(long through) =>
            InTransactionAsync(transaction => Store.ArchivePartitionsAsync(transaction, through));

        public Task<IReadOnlyList<PersistedEvent>> ReadEventsAsync(long from) =>
            InTransactionAsync(transaction => Store.ReadEventsAsync(transaction, from, 100));

        public Task<AggregateStream> ReadStreamAsync(string aggregateId, long? fromVersion, long? toVersion) =>
            InTransactionAsync(transaction => Store.ReadAggregateStreamAsync(transaction, Order, aggregateId, fromVersion, toVersion));

        public Task SetCheckpointAsync(string consumer, long position) => ExecuteAsync(
            $"INSERT INTO consumer_checkpoints (consumer_name, global_position) VALUES ('{consumer}', {position})");

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            await ReadTestSupport.ExecuteAsync(connection, sql);
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            return await ReadTestSupport.ScalarAsync<T>(connection, sql);
        }

        public async ValueTask DisposeAsync()
        {
            await DataSource.DisposeAsync();
            await Database.DisposeAsync();
        }

        private async Task<T> InTransactionAsync<T>(Func<NpgsqlTransaction, Task<T>> work)
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var result = await work(transaction);
            await transaction.CommitAsync();
            return result;
        }
    }

    /// <summary>Counts what it is given; the consumer under test must be given nothing.</summary>
    private sealed class CountingConsumer(string name) : IConsumer
    {
        private int _handled;

        public string Name { get; } = name;

        public int Handled => Volatile.Read(ref _handled);

        public Task HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _handled);
            return Task.CompletedTask;
        }
    }
}
