using System.Text;
using EventStore.Dapper;
using Npgsql;

namespace EventStore.Examples.Basic;

/// <summary>
/// The store's basic use, step by step: create the schema, append with each kind of expected version, meet a
/// concurrency conflict, and read an aggregate's stream, a version range and the global log.
/// </summary>
/// <remarks>
/// Every step runs in a transaction of its own that this code begins and commits: the store never opens, commits or
/// rolls back anything, so your own writes (a read model, an outbox row) can commit or roll back together with the events.
/// </remarks>
internal sealed class BasicExample
{
    private const string AggregateType = "Order";

    private readonly PostgresEventStore _store = new();
    private readonly NpgsqlDataSource _dataSource;
    private readonly TextWriter _output;
    private readonly CancellationToken _cancellationToken;

    // A new order per run, so a rerun against a database that keeps its events starts from NoStream again.
    private readonly string _orderId = $"order-{Guid.NewGuid():N}";

    private BasicExample(NpgsqlDataSource dataSource, TextWriter output, CancellationToken cancellationToken)
    {
        _dataSource = dataSource;
        _output = output;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Runs every step against the database of <paramref name="dataSource"/> and describes each on <paramref name="output"/>.</summary>
    /// <param name="dataSource">The database to create the schema in, if it is missing, and to append to.</param>
    /// <param name="output">Receives a few readable lines per step.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>A task that completes when every step has committed.</returns>
    public static Task RunAsync(NpgsqlDataSource dataSource, TextWriter output, CancellationToken cancellationToken) =>
        new BasicExample(dataSource, output, cancellationToken).RunAsync();

    private async Task RunAsync()
    {
        await CreateSchemaAsync().ConfigureAwait(false);
        var placed = await PlaceOrderAsync().ConfigureAwait(false);

        // Two writers load the order at version 2: one adds an item, then the other, still at 2, tries to ship it.
        var loadedVersion = placed.ToVersion;
        await AddItemAsync(loadedVersion).ConfigureAwait(false);
        await ShipAsync(loadedVersion).ConfigureAwait(false);

        await PrintStreamAsync().ConfigureAwait(false);
        await PrintVersionRangeAsync(fromVersion: 2, toVersion: 3).ConfigureAwait(false);
        await PrintGlobalLogAsync(afterPosition: placed.GlobalPositions[0] - 1).ConfigureAwait(false);
        await PrintLatestPositionAsync().ConfigureAwait(false);
    }

    private async Task CreateSchemaAsync()
    {
        // The DDL is CREATE ... IF NOT EXISTS, so it is safe on a database that already has the tables.
        var ddl = _dataSource.CreateCommand(MigrationEmitter.Render(EventStoreOptions.Default));
        await using var disposeDdl = ddl.ConfigureAwait(false);
        await ddl.ExecuteNonQueryAsync(_cancellationToken).ConfigureAwait(false);
        _output.WriteLine("Schema ready: tables events and aggregate_heads.");
    }

    private async Task<AppendResult> PlaceOrderAsync()
    {
        // NoStream claims the order id: the append fails if the order already has any event.
        var result = await InTransactionAsync(transaction => _store.AppendAsync(transaction, ExpectedVersion.NoStream,
            [
                NewEvent("OrderPlaced", """{"customer":"ada","currency":"EUR"}"""u8),
                NewEvent("ItemAdded", """{"sku":"BOOK-1","quantity":1}"""u8),
            ],
            _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine(
            $"Appended OrderPlaced, ItemAdded to {_orderId}: from version {result.FromVersion} to {result.ToVersion}, " +
            $"positions {result.GlobalPositions[0]}-{result.GlobalPositions[^1]}");
        return result;
    }

    private async Task AddItemAsync(long loadedVersion)
    {
        var expected = ExpectedVersion.Exact(loadedVersion);
        var result = await InTransactionAsync(transaction => _store.AppendAsync(transaction, expected,
            [NewEvent("ItemAdded", """{"sku":"PEN-7","quantity":3}"""u8)],
            _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine($"Appended ItemAdded at {expected}: version {result.ToVersion}, position {result.GlobalPositions[0]}");
    }

    private async Task ShipAsync(long loadedVersion)
    {
        try
        {
            await AppendShippedAsync(ExpectedVersion.Exact(loadedVersion)).ConfigureAwait(false);
        }
        catch (OptimisticConcurrencyException conflict)
        {
            // The order moved on after this writer loaded it, so shipping was decided on a state that no longer
            // exists. The store refuses the append rather than store it on top of an item the writer never saw, and
            // the attempt's transaction, disposed without a commit, rolled back: nothing of it is stored.
            _output.WriteLine($"Conflict caught: expected {conflict.ExpectedVersion}, actual version {conflict.ActualVersion}");

            // The usual answer: load the order again, decide again on what it is now, and append at the fresh version.
            var current = await InTransactionAsync(transaction =>
                _store.ReadAggregateStreamAsync(transaction, AggregateType, _orderId, cancellationToken: _cancellationToken)).ConfigureAwait(false);
            _output.WriteLine($"Reloaded the order at version {current.Version}; shipping it from there");
            await AppendShippedAsync(ExpectedVersion.Exact(current.Version)).ConfigureAwait(false);
        }
    }

    private async Task AppendShippedAsync(ExpectedVersion expected)
    {
        var result = await InTransactionAsync(transaction => _store.AppendAsync(transaction, expected,
            [NewEvent("OrderShipped", """{"carrier":"post"}"""u8)],
            _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine($"Appended OrderShipped at {expected}: version {result.ToVersion}, position {result.GlobalPositions[0]}");
    }

    private async Task PrintStreamAsync()
    {
        var stream = await InTransactionAsync(transaction =>
            _store.ReadAggregateStreamAsync(transaction, AggregateType, _orderId, cancellationToken: _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine($"Stream {AggregateType}/{_orderId}: {stream.Count} events, version {stream.Version}");
        PrintEvents(stream.Events);
    }

    private async Task PrintVersionRangeAsync(long fromVersion, long toVersion)
    {
        // Both bounds are inclusive.
        var range = await InTransactionAsync(transaction => _store.ReadAggregateStreamAsync(
            transaction, AggregateType, _orderId, fromVersion, toVersion, _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine($"Versions {fromVersion}-{toVersion}: {range.Count} events");
        PrintEvents(range.Events);
    }

    private async Task PrintGlobalLogAsync(long afterPosition)
    {
        // The global log holds every aggregate's events. Reading after 0 reads it from the start; starting just before
        // this run's first event keeps a rerun against a database with older events to its own part of the log.
        var page = await InTransactionAsync(transaction =>
            _store.ReadEventsAsync(transaction, afterPosition, limit: 100, _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine($"Global log after position {afterPosition}: {page.Count} events");
        foreach (var @event in page)
        {
            _output.WriteLine(
                $"  position {@event.GlobalPosition}: {@event.AggregateType}/{@event.AggregateId} v{@event.AggregateVersion} {@event.EventType}");
        }
    }

    private async Task PrintLatestPositionAsync()
    {
        var latest = await InTransactionAsync(transaction =>
            _store.GetLatestGlobalPositionAsync(transaction, _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine($"Latest global position: {latest}");
    }

    private void PrintEvents(IEnumerable<PersistedEvent> events)
    {
        foreach (var @event in events)
        {
            _output.WriteLine($"  v{@event.AggregateVersion} {@event.EventType} {Encoding.UTF8.GetString(@event.Payload)}");
        }
    }

    private Event NewEvent(string eventType, ReadOnlySpan<byte> payload) => new()
    {
        AggregateType = AggregateType,
        AggregateId = _orderId,
        EventId = Guid.CreateVersion7(),
        EventType = eventType,
        Payload = payload.ToArray(),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    // The caller's side of the contract: begin, let the store work in the transaction, commit. Disposing a transaction
    // that was not committed rolls it back, so a step that throws leaves nothing behind.
    private async Task<T> InTransactionAsync<T>(Func<NpgsqlTransaction, Task<T>> step)
    {
        var connection = await _dataSource.OpenConnectionAsync(_cancellationToken).ConfigureAwait(false);
        await using var disposeConnection = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(_cancellationToken).ConfigureAwait(false);
        await using var disposeTransaction = transaction.ConfigureAwait(false);

        var result = await step(transaction).ConfigureAwait(false);
        await transaction.CommitAsync(_cancellationToken).ConfigureAwait(false);
        return result;
    }
}
