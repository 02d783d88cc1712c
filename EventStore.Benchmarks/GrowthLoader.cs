using System.Diagnostics;
using EventStore.Dapper;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Benchmarks;

/// <summary>
/// Grows a log with SQL, writing the rows the store's append writes: events, their head rows, and on a partitioned
/// table their key rows, in the store's default tables. Aggregates of 10 events are interleaved, version v of aggregate
/// a at offset v × aggregates + a, so every stream is spread over the whole stretch loaded with it: the hard case for
/// a stream read. Creation times, and the time-ordered ids built from them, follow a clock that rises one millisecond per
/// position and ends weeks before the run, as if an application had appended 1,000 events a second; the store's own
/// appends during the run come later, at the right end of the id index, as they would. PostgreSQL 15 has no uuidv7().
/// </summary>
internal sealed class GrowthLoader
{
    public const int EventsPerAggregate = 10;

    private const string AggregatePrefix = "growth-";

    // A chunk is one transaction, and the progress line after it.
    private const long MaxChunk = 1_000_000;

    private const string Insert = """
        INSERT INTO events (global_position, aggregate_type, aggregate_id, aggregate_version, event_id, event_type, payload, metadata, created_at)
        """;

    private const string Heads = $"""
        INSERT INTO aggregate_heads (aggregate_type, aggregate_id, aggregate_version, updated_at)
        SELECT '{SampleEvents.AggregateType}', '{AggregatePrefix}' || ($1 + a), $2, now() FROM generate_series(0, $3 - 1) AS a
        """;

    private const string LastPosition = "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('events', 'global_position')::regclass), 0)";

    private const string MoveSequence = "SELECT setval(pg_get_serial_sequence('events', 'global_position'), $1)";

    // The uuid's first 48 bits are the millisecond, then version 7, then the random bits of a version 4 uuid after its
    // version digit, which start with the same variant bits.
    private const string TimeOrderedId = "(lpad(to_hex(ms), 12, '0') || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;
    private readonly bool _partitioned;
    private readonly long _chunk;
    private readonly string _insert;

    // Millisecond 0 of the clock; far enough back that position 10 million is still weeks before the run.
    private readonly long _epoch = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();

    public GrowthLoader(NpgsqlDataSource dataSource, PostgresEventStore store, GrowthConfiguration configuration, long partitionSize)
    {
        _dataSource = dataSource;
        _store = store;
        _partitioned = configuration.Partitioned;
        // No larger than a partition, so the partitions made ahead of a chunk always hold it.
        _chunk = configuration.Partitioned ? Math.Min(MaxChunk, partitionSize) : MaxChunk;
        var rows = Rows(configuration.TimeOrdered ? TimeOrderedId : "gen_random_uuid()");
        _insert = configuration.Partitioned ? Keyed(rows) : $"{Insert}\n{rows}";
    }

    /// <summary>Aggregates loaded so far, numbered from 0 (see <see cref="AggregateId"/>).</summary>
    public long Aggregates { get; private set; }

    /// <summary>The id of loaded aggregate number <paramref name="number"/>.</summary>
    public static string AggregateId(long number) => AggregatePrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The highest position taken, by the loader or by the store.</summary>
    public async Task<long> LastPositionAsync()
    {
        await using var command = _dataSource.CreateCommand(LastPosition);
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Appends whole aggregates until the log holds about <paramref name="target"/> events; returns how many it wrote.</summary>
    public async Task<long> LoadAsync(long target)
    {
        var basePosition = await LastPositionAsync().ConfigureAwait(false);
        var aggregates = Math.Max(0, target - basePosition) / EventsPerAggregate;
        var events = aggregates * EventsPerAggregate;
        if (events == 0)
        {
            return 0;
        }

        var stretch = new Stretch(basePosition, aggregates, Aggregates);
        var clock = Stopwatch.StartNew();
        for (var from = 0L; from < events; from += _chunk)
        {
            var to = Math.Min(events, from + _chunk);
            await LoadChunkAsync(stretch, from, to).ConfigureAwait(false);
            Console.WriteLine($"  {basePosition + to:N0} events ({clock.Elapsed.TotalSeconds:0} s)");
        }

        await ExecuteAsync(Heads, Aggregates, EventsPerAggregate, aggregates).ConfigureAwait(false);
        Aggregates += aggregates;
        return events;
    }

    private async Task LoadChunkAsync(Stretch stretch, long from, long to)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        if (_partitioned)
        {
            // Two ahead of the sequence, as the store expects to find (EventStoreOptions.MinPartitionsAhead).
            await _store.CreatePartitionsAsync(transaction, 2).ConfigureAwait(false);
        }

        await using (var insert = new NpgsqlCommand(_insert, connection, transaction) { CommandTimeout = 0 })
        {
            insert.Parameters.Add(Bigint(stretch.BasePosition));
            insert.Parameters.Add(Bigint(from));
            insert.Parameters.Add(Bigint(to));
            insert.Parameters.Add(Bigint(stretch.Aggregates));
            insert.Parameters.Add(Bigint(stretch.FirstAggregate));
            insert.Parameters.Add(Bigint(_epoch));
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = SampleEvents.Payload });
            insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = SampleEvents.MetadataText });
            await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        // The explicit positions bypass the sequence; moving it on is what makes the next partitions and appends follow.
        await using (var move = new NpgsqlCommand(MoveSequence, connection, transaction))
        {
            move.Parameters.Add(Bigint(stretch.BasePosition + to));
            await move.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql, params long[] parameters)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(Bigint(parameter));
        }

        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    // $1 position before the stretch, $2..$3 offsets of the chunk, $4 aggregates in the stretch, $5 number of its first
    // aggregate, $6 millisecond 0 of the clock, $7 payload, $8 metadata.
    private static string Rows(string eventId) => $"""
        SELECT $1 + o + 1 AS global_position, '{SampleEvents.AggregateType}' AS aggregate_type, '{AggregatePrefix}' || ($5 + o % $4) AS aggregate_id,
               o / $4 + 1 AS aggregate_version, {eventId} AS event_id, '{SampleEvents.EventType}' AS event_type, $7 AS payload,
               $8::jsonb AS metadata, to_timestamp(ms / 1000.0) AS created_at
        FROM generate_series($2, $3 - 1) AS o CROSS JOIN LATERAL (SELECT $6 + $1 + o + 1 AS ms) AS clock
        """;

    // Keyed in the same statement, as the store's append does.
    private static string Keyed(string rows) => $"""
        WITH appended AS (
            {Insert}
            {rows}
            RETURNING event_id, aggregate_type, aggregate_id, aggregate_version, global_position
        )
        INSERT INTO events_keys (event_id, aggregate_type, aggregate_id, aggregate_version, global_position)
        SELECT event_id, aggregate_type, aggregate_id, aggregate_version, global_position FROM appended
        """;

    private static NpgsqlParameter<long> Bigint(long value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = value };

    /// <summary>One load's events: the position before them, their number of aggregates, and the number of the first.</summary>
    private sealed record Stretch(long BasePosition, long Aggregates, long FirstAggregate);
}
