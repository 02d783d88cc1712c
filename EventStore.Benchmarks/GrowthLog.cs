using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Benchmarks;

/// <summary>
/// The database of one configuration as it grows: its schema, a store over it, the loader, and the operations the run
/// times, each through the store's public API on a connection from the pool, in a transaction of its own.
/// </summary>
internal sealed class GrowthLog : IAsyncDisposable
{
    public const int ScanEvents = 10_000;
    public const int ScanPage = 500;

    // Stored events that the retries draw from; read once per log size, before the timing starts.
    private const int RetrySample = 5_000;

    private const string SampleSql = "SELECT global_position, aggregate_id, event_id FROM events WHERE global_position = ANY($1)";

    private readonly TemporaryDatabase _database;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;
    private readonly GrowthConfiguration _configuration;
    private readonly Random _random = new(16);
    private StoredKey[] _retries = [];
    private long _lastPosition;

    private GrowthLog(TemporaryDatabase database, NpgsqlDataSource dataSource, GrowthConfiguration configuration, long partitionSize)
    {
        _database = database;
        _dataSource = dataSource;
        _configuration = configuration;
        _store = new PostgresEventStore(configuration.Options(partitionSize));
        Loader = new GrowthLoader(dataSource, _store, configuration, partitionSize);
    }

    public GrowthLoader Loader { get; }

    /// <summary>Makes a database with the store's schema for <paramref name="configuration"/>.</summary>
    public static async Task<GrowthLog> CreateAsync(PostgresServer server, GrowthConfiguration configuration, long partitionSize)
    {
        var database = await server.CreateDatabaseAsync().ConfigureAwait(false);
        var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var schema = dataSource.CreateCommand(MigrationEmitter.Render(configuration.Options(partitionSize))))
        {
            await schema.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new GrowthLog(database, dataSource, configuration, partitionSize);
    }

    /// <summary>What an operator runs after a bulk load: fresh statistics and visibility map, then a checkpoint, so the
    /// timing that follows does not pay for the load's dirty pages.</summary>
    public async Task MaintainAsync()
    {
        foreach (var statement in (string[])["VACUUM (ANALYZE)", "CHECKPOINT"])
        {
            await using var command = _dataSource.CreateCommand(statement);
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    public async Task<long> DatabaseBytesAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT pg_database_size(current_database())");
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Notes the end of the log and draws the stored events that the retries will repeat.</summary>
    public async Task PrepareAsync()
    {
        _lastPosition = await Loader.LastPositionAsync().ConfigureAwait(false);
        var positions = Enumerable.Range(0, RetrySample).Select(_ => _random.NextInt64(1, _lastPosition + 1)).ToArray();
        await using var command = _dataSource.CreateCommand(SampleSql);
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = positions });
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var keys = new List<StoredKey>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            keys.Add(new StoredKey(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2)));
        }

        _retries = [.. keys];
    }

    public async Task AppendAsync(int count)
    {
        var events = SampleEvents.For(SampleEvents.AggregateType, SampleEvents.NewAggregateId("growth-new"), count, _configuration.NewEventId);
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await _store.AppendAsync(transaction, ExpectedVersion.Any, events).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    /// <exception cref="InvalidOperationException">The stream does not hold the events the loader wrote.</exception>
    public async Task ReadStreamAsync()
    {
        var aggregateId = GrowthLoader.AggregateId(_random.NextInt64(Loader.Aggregates));
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var stream = await _store.ReadAggregateStreamAsync(transaction, SampleEvents.AggregateType, aggregateId).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
        if (stream.Events.Count != GrowthLoader.EventsPerAggregate)
        {
            throw new InvalidOperationException($"{aggregateId} has {stream.Events.Count} events, not the {GrowthLoader.EventsPerAggregate} loaded.");
        }
    }

    /// <exception cref="InvalidOperationException">The store appended the event again instead of recognising the retry.</exception>
    public async Task RetryAsync()
    {
        var stored = _retries[_random.Next(_retries.Length)];
        Event[] retry =
        [
            new()
            {
                AggregateType = SampleEvents.AggregateType,
                AggregateId = stored.AggregateId,
                EventId = stored.EventId,
                EventType = SampleEvents.EventType,
                Payload = SampleEvents.Payload,
                Metadata = SampleEvents.Metadata,
                CreatedAt = DateTimeOffset.UtcNow,
            },
        ];
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var result = await _store.AppendAsync(transaction, ExpectedVersion.Any, retry).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
        if (result.GlobalPositions[0] != stored.GlobalPosition)
        {
            throw new InvalidOperationException($"The retry of the event at {stored.GlobalPosition} was stored again at {result.GlobalPositions[0]}.");
        }
    }

    public async Task ScanAsync()
    {
        var position = _random.NextInt64(Math.Max(1, _lastPosition - ScanEvents));
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        for (var read = 0; read < ScanEvents;)
        {
            var page = await _store.ReadEventsAsync(transaction, position, ScanPage).ConfigureAwait(false);
            read += page.Count;
            position = page[^1].GlobalPosition;
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await _database.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Where a stored event is, and what a retry of it must repeat.</summary>
    private sealed record StoredKey(long GlobalPosition, string AggregateId, Guid EventId);
}
