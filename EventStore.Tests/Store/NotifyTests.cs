using System.Collections.Concurrent;
using System.Globalization;
using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Store;

/// <summary>
/// NOTIFY on append. Every test notifies on a channel of its own, because a listener in this database would otherwise
/// hear the appends of the tests running beside it.
/// </summary>
public sealed class NotifyTests : StoreFixture
{
    private static readonly TimeSpan Arrives = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(500);


    [Test]
    public async Task A_committed_append_notifies_its_last_global_position()
    {
        var channel = NewChannel();
        var store = StoreNotifying(channel);
        await using var listener = await ListenAsync(channel);

        var result = await AppendAsync(Db, store, ExpectedVersion.NoStream, Events("Order", NewId(), 3));

        var notification = await listener.NextAsync(Arrives);
        notification.ShouldNotBeNull();
        notification.Channel.ShouldBe(channel);
        notification.Payload.ShouldBe(result.GlobalPositions[^1].ToString(CultureInfo.InvariantCulture));
        (await listener.NextAsync(Silence)).ShouldBeNull("one append of several events sends one notification");
    }

    [Test]
    public async Task The_notification_is_delivered_only_when_the_append_commits()
    {
        var channel = NewChannel();
        var store = StoreNotifying(channel);
        await using var listener = await ListenAsync(channel);
        await using var connection = await Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Order", NewId(), 1));

        var beforeCommit = await listener.NextAsync(Silence);
        await transaction.CommitAsync();
        var afterCommit = await listener.NextAsync(Arrives);

        beforeCommit.ShouldBeNull();
        afterCommit.ShouldNotBeNull();
        afterCommit.Payload.ShouldBe(result.GlobalPositions[0].ToString(CultureInfo.InvariantCulture));
    }

    [Test]
    public async Task A_rolled_back_append_sends_no_notification()
    {
        var channel = NewChannel();
        var store = StoreNotifying(channel);
        await using var listener = await ListenAsync(channel);
        await using (var connection = await Db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Order", NewId(), 2));
            await transaction.RollbackAsync();
        }

        var afterRollback = await listener.NextAsync(Silence);
        var committed = await AppendAsync(Db, store, ExpectedVersion.NoStream, Events("Order", NewId(), 1));
        var afterCommit = await listener.NextAsync(Arrives);

        afterRollback.ShouldBeNull();
        afterCommit.ShouldNotBeNull("the listener is live, so the silence above was real");
        afterCommit.Payload.ShouldBe(committed.GlobalPositions[0].ToString(CultureInfo.InvariantCulture));
    }

    [Test]
    public async Task An_append_that_fails_its_version_check_sends_no_notification()
    {
        var channel = NewChannel();
        var store = StoreNotifying(channel);
        var id = NewId();
        var first = await AppendAsync(Db, store, ExpectedVersion.NoStream, Events("Order", id, 1));
        await using var listener = await ListenAsync(channel);
        await using (var connection = await Db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Should.ThrowAsync<OptimisticConcurrencyException>(
                () => store.AppendAsync(transaction, ExpectedVersion.Exact(5), Events("Order", id, 1)));
            await transaction.CommitAsync();
        }

        var afterConflict = await listener.NextAsync(Silence);
        var next = await AppendAsync(Db, store, ExpectedVersion.Exact(1), Events("Order", id, 1));
        var afterAppend = await listener.NextAsync(Arrives);

        afterConflict.ShouldBeNull("the failed append stored nothing, so it has no position to announce");
        afterAppend.ShouldNotBeNull();
        afterAppend.Payload.ShouldBe(next.GlobalPositions[0].ToString(CultureInfo.InvariantCulture));
        next.GlobalPositions[0].ShouldBeGreaterThan(first.GlobalPositions[0]);
    }

    [Test]
    public async Task A_recognised_retry_sends_no_notification_because_it_stores_nothing()
    {
        var channel = NewChannel();
        var store = StoreNotifying(channel);
        var id = NewId();
        var events = Events("Order", id, 2);
        var original = await AppendAsync(Db, store, ExpectedVersion.NoStream, events);
        await using var listener = await ListenAsync(channel);

        var retried = await AppendAsync(Db, store, ExpectedVersion.NoStream, events);
        var afterRetry = await listener.NextAsync(Silence);
        var next = await AppendAsync(Db, store, ExpectedVersion.Exact(2), Events("Order", id, 1));
        var afterAppend = await listener.NextAsync(Arrives);

        retried.GlobalPositions.ShouldBe(original.GlobalPositions);
        afterRetry.ShouldBeNull("the retry's events were announced when the original append committed");
        afterAppend.ShouldNotBeNull("the listener is live, so the silence above was real");
        afterAppend.Payload.ShouldBe(next.GlobalPositions[0].ToString(CultureInfo.InvariantCulture));
    }

    [Test]
    public async Task Two_appends_in_one_transaction_each_notify_their_own_last_position_on_commit()
    {
        var channel = NewChannel();
        var store = StoreNotifying(channel);
        await using var listener = await ListenAsync(channel);

        var (first, second) = await Db.InTransactionAsync(async transaction => (
            await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Order", NewId(), 2)),
            await store.AppendAsync(transaction, ExpectedVersion.NoStream, Events("Invoice", NewId(), 1))));

        var firstNotification = await listener.NextAsync(Arrives);
        var secondNotification = await listener.NextAsync(Arrives);
        firstNotification.ShouldNotBeNull();
        secondNotification.ShouldNotBeNull();
        firstNotification.Payload.ShouldBe(first.GlobalPositions[^1].ToString(CultureInfo.InvariantCulture));
        secondNotification.Payload.ShouldBe(second.GlobalPositions[^1].ToString(CultureInfo.InvariantCulture));
    }

    [Test]
    public void Without_a_channel_the_append_statements_send_no_notification()
    {
        var dialect = new SqlDialect(EventStoreOptions.Default);

        dialect.NotifyChannel.ShouldBeNull();
        dialect.Append.AnySql.ShouldNotContain("pg_notify", Case.Insensitive);
        dialect.Append.NoStreamSql.ShouldNotContain("pg_notify", Case.Insensitive);
        dialect.Append.ExactSql.ShouldNotContain("pg_notify", Case.Insensitive);
        new SqlDialect(EventStoreOptions.Default with { NotifyChannel = "on" }).Append.AnySql.ShouldContain("pg_notify");
    }

    [Test]
    public async Task Without_a_channel_an_append_is_not_heard_on_another_stores_channel()
    {
        var channel = NewChannel();
        var silentStore = new PostgresEventStore(Db.Options with { NotifyChannel = null });
        var notifyingStore = StoreNotifying(channel);
        await using var listener = await ListenAsync(channel);

        await AppendAsync(Db, silentStore, ExpectedVersion.NoStream, Events("Order", NewId(), 1));
        var heard = await AppendAsync(Db, notifyingStore, ExpectedVersion.NoStream, Events("Order", NewId(), 1));

        var notification = await listener.NextAsync(Arrives);
        notification.ShouldNotBeNull();
        notification.Payload.ShouldBe(heard.GlobalPositions[0].ToString(CultureInfo.InvariantCulture), "the silent store's append sent nothing");
        (await listener.NextAsync(Silence)).ShouldBeNull();
    }

    private static string NewChannel() => $"es_{Guid.NewGuid():N}";

    private PostgresEventStore StoreNotifying(string channel) => new(Db.Options with { NotifyChannel = channel });

    private async Task<Listener> ListenAsync(string channel)
    {
        var connection = await Db.OpenConnectionAsync();
        var listener = new Listener(connection);
        // The channel is created here from a GUID, so it is a plain lower-case identifier that needs no quoting.
        await ExecuteAsync(connection, $"LISTEN {channel}");
        return listener;
    }

    /// <summary>A connection that LISTENs and queues what it hears, in arrival order.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentQueue<NpgsqlNotificationEventArgs> _received = new();

        public Listener(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, notification) => _received.Enqueue(notification);
        }

        /// <summary>The next notification, or <see langword="null"/> when none arrives within <paramref name="timeout"/>.</summary>
        public async Task<NpgsqlNotificationEventArgs?> NextAsync(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            NpgsqlNotificationEventArgs? notification;
            while (!_received.TryDequeue(out notification))
            {
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || !await _connection.WaitAsync(remaining))
                {
                    return _received.TryDequeue(out notification) ? notification : null;
                }
            }

            return notification;
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
