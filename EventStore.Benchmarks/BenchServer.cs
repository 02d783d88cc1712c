using EventStore.Dapper;
using EventStore.Testing;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>
/// One throwaway PostgreSQL in one durability mode, with the store's schema, a warmed-up database, optionally a
/// PgBouncer in front of it, and <see cref="BenchEnvironment"/> pointed at both. The benchmarks share one static
/// environment, so one server is live at a time.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly PostgresServer _server;
    private readonly PgBouncer? _pgBouncer;
    private readonly TemporaryDatabase _database;

    private BenchServer(PostgresServer server, PgBouncer? pgBouncer, TemporaryDatabase database, ServerSettings settings)
    {
        _server = server;
        _pgBouncer = pgBouncer;
        _database = database;
        Settings = settings;
    }

    public ServerSettings Settings { get; }

    /// <summary>
    /// Starts the server, and a PgBouncer in front of it when <paramref name="withPgBouncer"/> is set, and fills both
    /// stores with <paramref name="warmUpEvents"/> events each.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server found does not run in the mode asked for.</exception>
    public static async Task<BenchServer> StartAsync(bool durable, int warmUpEvents, bool withPgBouncer)
    {
        var server = await PostgresServer.StartAsync(new PostgresServerOptions { Durable = durable, Log = Console.WriteLine }).ConfigureAwait(false);
        TemporaryDatabase? database = null;
        PgBouncer? pgBouncer = null;
        try
        {
            database = await server.CreateDatabaseAsync().ConfigureAwait(false);
            var settings = await PrepareAsync(database.ConnectionString).ConfigureAwait(false);
            if (settings.Durable != durable)
            {
                throw new InvalidOperationException(
                    $"The benchmark asked for a server with fsync {(durable ? "on" : "off")}, but {server.Description} runs with {settings.Describe()}. " +
                    "Only a throwaway local cluster runs in either mode: unset EVENTSTORE_TEST_CONNECTION and stop the Docker engine, " +
                    "or run on a machine with the PostgreSQL server binaries.");
            }

            if (withPgBouncer)
            {
                pgBouncer = await PgBouncer.StartAsync(
                    server, new PgBouncerOptions { PoolMode = PgBouncerPoolMode.Transaction, Log = Console.WriteLine }).ConfigureAwait(false);
            }

            var throughPgBouncer = pgBouncer is null ? null : ThroughPgBouncer(pgBouncer, database.ConnectionString);
            await BenchEnvironment.InitializeAsync(database.ConnectionString, throughPgBouncer).ConfigureAwait(false);
            await BenchEnvironment.WarmUpAsync(warmUpEvents).ConfigureAwait(false);
            return new BenchServer(server, pgBouncer, database, settings);
        }
        catch
        {
            await BenchEnvironment.DisposeAsync().ConfigureAwait(false);
            if (pgBouncer is not null)
            {
                await pgBouncer.DisposeAsync().ConfigureAwait(false);
            }

            if (database is not null)
            {
                await database.DisposeAsync().ConfigureAwait(false);
            }

            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await BenchEnvironment.DisposeAsync().ConfigureAwait(false);
        if (_pgBouncer is not null)
        {
            await _pgBouncer.DisposeAsync().ConfigureAwait(false);
        }

        await _database.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    // No Reset On Close is what the README tells users behind PgBouncer, so the contender runs as they would; without
    // it, Npgsql sends DISCARD ALL ahead of a reused connection's first command, one more statement on every operation.
    private static string ThroughPgBouncer(PgBouncer pgBouncer, string connectionString) =>
        new NpgsqlConnectionStringBuilder(pgBouncer.Route(connectionString)) { NoResetOnClose = true }.ConnectionString;

    private static async Task<ServerSettings> PrepareAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using (var ddl = new NpgsqlCommand(MigrationEmitter.Render(EventStoreOptions.Default), connection))
        {
            await ddl.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new ServerSettings(
            await ShowAsync(connection, "server_version").ConfigureAwait(false),
            await ShowAsync(connection, "fsync").ConfigureAwait(false),
            await ShowAsync(connection, "full_page_writes").ConfigureAwait(false),
            await ShowAsync(connection, "synchronous_commit").ConfigureAwait(false));
    }

    internal static async Task<string> ShowAsync(NpgsqlConnection connection, string setting)
    {
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }
}
