using System.Text.Json;
using Dapper;
using EventStore.Dapper;
using EventStore.Tests.DapperIsolation;
using Npgsql;

// Dapper's type map is process-wide, so whether building the store changes an application's own Dapper calls can only
// be seen in a process where nothing else has touched it. The test suite runs this program against a fresh database
// (EVENTSTORE_CONNECTION) and compares the outcomes it prints as JSON.
const string ReplaceMappingsArgument = "--replace-guid-and-datetimeoffset-mappings";
var replaceMappings = args.Contains(ReplaceMappingsArgument);
var connectionString = Environment.GetEnvironmentVariable("EVENTSTORE_CONNECTION")
    ?? throw new InvalidOperationException("Set EVENTSTORE_CONNECTION to the database to use.");

var dataSource = NpgsqlDataSource.Create(connectionString);
await using var disposeDataSource = dataSource;
await using (var connection = await dataSource.OpenConnectionAsync())
{
    await using var schema = new NpgsqlCommand(MigrationEmitter.Render(EventStoreOptions.Default), connection);
    await schema.ExecuteNonQueryAsync();
    await ApplicationOperations.CreateTableAsync(connection);
}

var before = await ApplicationOperations.RunAllAsync(dataSource);

var store = new PostgresEventStore();
var consumer = new SeenEventsConsumer(LibraryExercise.EventCount);
var processor = new ConsumerProcessor(dataSource, [consumer]);
if (replaceMappings)
{
    EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings();
}

var library = await LibraryExercise.RunAsync(dataSource, store, processor, consumer);

// Dapper caches how it bound and read each query; start afresh, so a cached plan from the first run cannot hide a change.
SqlMapper.PurgeQueryCache();
var after = await ApplicationOperations.RunAllAsync(dataSource);

Console.WriteLine(JsonSerializer.Serialize(new IsolationReport(before, library, after), new JsonSerializerOptions { WriteIndented = true }));
