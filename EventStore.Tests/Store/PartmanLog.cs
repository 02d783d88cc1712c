using EventStore.Dapper;
using EventStore.Testing;

namespace EventStore.Tests.Store;

/// <summary>A database holding a partitioned log and pg_partman, for <see cref="PgPartmanTests"/>; dropped on dispose.</summary>
internal sealed record PartmanLog(TemporaryDatabase Database, EventStoreOptions Options, PostgresEventStore Store) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
