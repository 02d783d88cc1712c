using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>
/// The one database every benchmark shares at a time. <see cref="BenchServer"/> sets it before BenchmarkDotNet runs; the
/// in-process toolchain keeps the benchmarks in this process, so they see the same server.
/// </summary>
public static class BenchEnvironment
{
    private static NpgsqlDataSource? _dataSource;
    private static NpgsqlDataSource? _pgBouncerDataSource;
    private static DocumentStore? _marten;

    /// <summary>The pooled data source over the benchmark database.</summary>
    public static NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Program did not set the benchmark database.");

    /// <summary>A pooled data source over the same database through PgBouncer in transaction pooling mode.</summary>
    public static NpgsqlDataSource PgBouncerDataSource => _pgBouncerDataSource ?? throw new InvalidOperationException(
        "Program started no PgBouncer, so it should have left out the benchmarks that go through it.");

    /// <summary>Marten's store, in its own schema of the same database.</summary>
    public static DocumentStore Marten => _marten ?? throw new InvalidOperationException("Program did not set the benchmark database.");

    /// <param name="connectionString">The benchmark database, straight to PostgreSQL.</param>
    /// <param name="pgBouncerConnectionString">The same database through PgBouncer; <see langword="null"/> when none runs.</param>
    internal static async Task InitializeAsync(string connectionString, string? pgBouncerConnectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _pgBouncerDataSource = pgBouncerConnectionString is null ? null : NpgsqlDataSource.Create(pgBouncerConnectionString);
        _marten = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = "marten";
            options.AutoCreateSchemaObjects = AutoCreate.All;
            options.Events.StreamIdentity = StreamIdentity.AsString;
            options.Events.AppendMode = EventAppendMode.Quick;
            options.Events.AddEventType<MartenEvent>();
        });
        await _marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Fills both stores with <paramref name="events"/> events each and analyzes them, so that no contender is measured
    /// on new, unanalyzed tables, where PostgreSQL's first plans and page splits cost whoever happens to run first.
    /// </summary>
    internal static async Task WarmUpAsync(int events)
    {
        for (var written = 0; written < events; written += 100)
        {
            await Contenders.OursAppendAsync(100).ConfigureAwait(false);
            await Contenders.MartenAppendAsync(100).ConfigureAwait(false);
        }

        await using var connection = await DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the stores; a later <see cref="InitializeAsync"/> may point the environment at another server.</summary>
    internal static async Task DisposeAsync()
    {
        if (_marten is not null)
        {
            await _marten.DisposeAsync().ConfigureAwait(false);
            _marten = null;
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            _dataSource = null;
        }

        if (_pgBouncerDataSource is not null)
        {
            await _pgBouncerDataSource.DisposeAsync().ConfigureAwait(false);
            _pgBouncerDataSource = null;
        }
    }
}
