using System.Diagnostics;
using System.Globalization;
using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// Counts the commands Npgsql executes on one connection, each of which is a round trip, through the activities of
/// its "Npgsql" ActivitySource. Npgsql sends BEGIN with the first command and opens before counting starts, so
/// neither adds an activity of its own. The store's first call on a connection string also asks whether a pooler is in
/// between, once; every test but the one about that call warms the store up first.
/// </summary>
[NonParallelizable] // listens to Npgsql's process-wide ActivitySource
public sealed class RoundTripTests : StoreFixture
{
    private const string Order = "Order";


    // Guards the counter itself: were it blind to this connection, every "one round trip" test below would fail.
    [Test]
    public async Task The_counter_sees_every_command_of_its_connection_and_none_of_another()
    {
        await using var connection = await Db.OpenConnectionAsync();
        await using var other = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        using var commands = new CommandCounter(connection);

        await ExecuteAsync(transaction, "SELECT 1");
        await ExecuteAsync(otherTransaction, "SELECT 1");
        await ExecuteAsync(transaction, "SELECT 2");

        commands.Count.ShouldBe(2);
    }

    [Test]
    public async Task The_first_call_of_a_store_on_a_connection_string_asks_once_whether_a_pooler_is_in_between()
    {
        var store = new PostgresEventStore(Db.Options);
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        using var commands = new CommandCounter(connection);

        await store.GetLatestGlobalPositionAsync(transaction);
        commands.Count.ShouldBe(2);
        await store.GetLatestGlobalPositionAsync(transaction);
        commands.Count.ShouldBe(3);
    }

    [Test]
    public async Task An_append_of_100_events_is_one_round_trip()
    {
        var id = NewAggregateId();
        await WarmUpAsync();
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        using var commands = new CommandCounter(connection);

        await Db.Store.AppendAsync(transaction, ExpectedVersion.NoStream, Events(Order, id, 100));

        commands.Count.ShouldBe(1);
    }

    [Test]
    public async Task Reading_an_aggregate_stream_is_one_round_trip()
    {
        var id = NewAggregateId();
        await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, id, 5));
        await WarmUpAsync();
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        using var commands = new CommandCounter(connection);

        var stream = await Db.Store.ReadAggregateStreamAsync(transaction, Order, id);

        stream.Count.ShouldBe(5);
        commands.Count.ShouldBe(1);
    }

    [Test]
    public async Task Reading_events_from_a_position_is_one_round_trip()
    {
        var appended = await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, NewAggregateId(), 5));
        await WarmUpAsync();
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        using var commands = new CommandCounter(connection);

        var events = await Db.Store.ReadEventsAsync(transaction, appended.GlobalPositions[0] - 1, 5);

        events.Select(e => e.GlobalPosition).ShouldBe(appended.GlobalPositions);
        commands.Count.ShouldBe(1);
    }

    [Test]
    public async Task Getting_the_latest_global_position_is_one_round_trip()
    {
        var appended = await Db.AppendAsync(ExpectedVersion.NoStream, Events(Order, NewAggregateId(), 2));
        await WarmUpAsync();
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        using var commands = new CommandCounter(connection);

        var latest = await Db.Store.GetLatestGlobalPositionAsync(transaction);

        latest.ShouldBeGreaterThanOrEqualTo(appended.GlobalPositions[^1]);
        commands.Count.ShouldBe(1);
    }

    private Task<long> WarmUpAsync() => Db.InTransactionAsync(transaction => Db.Store.GetLatestGlobalPositionAsync(transaction));

    /// <summary>
    /// Counts the finished command activities of one connection, told apart from the rest of the process by the
    /// backend process id and database that Npgsql tags each activity with.
    /// </summary>
    private sealed class CommandCounter : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly string _connectionId;
        private readonly string _database;
        private int _count;

        public CommandCounter(NpgsqlConnection connection)
        {
            _connectionId = connection.ProcessID.ToString(CultureInfo.InvariantCulture);
            _database = connection.Database;
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = OnStopped,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();

        private void OnStopped(Activity activity)
        {
            if (Tag(activity, "db.npgsql.connection_id") == _connectionId && Tag(activity, "db.namespace") == _database)
            {
                Interlocked.Increment(ref _count);
            }
        }

        private static string? Tag(Activity activity, string name) =>
            Convert.ToString(activity.GetTagItem(name), CultureInfo.InvariantCulture);
    }
}
