using System.Text;
using EventStore.Dapper;
using EventStore.Examples.EventMapCodegen.Mapping;
using EventStore.Examples.EventMapCodegen.ReadModel;
using Npgsql;
using V1 = EventStore.Examples.EventMapCodegen.Domain.V1;
using V2 = EventStore.Examples.EventMapCodegen.Domain.V2;

namespace EventStore.Examples.EventMapCodegen;

/// <summary>
/// Domain events in, domain events out: the generated <see cref="UserEventMapper"/> turns records into store events
/// and back, picking the right record by event type and version, so a stream written by two releases reads as one.
/// </summary>
internal sealed class EventMapExample
{
    private const string AggregateType = "User";

    private readonly PostgresEventStore _store = new();
    private readonly NpgsqlDataSource _dataSource;
    private readonly TextWriter _output;
    private readonly CancellationToken _cancellationToken;
    private readonly string _userId = $"user-{Guid.NewGuid():N}";

    private EventMapExample(NpgsqlDataSource dataSource, TextWriter output, CancellationToken cancellationToken)
    {
        _dataSource = dataSource;
        _output = output;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Runs the example against <paramref name="dataSource"/>, describing each step on <paramref name="output"/>.</summary>
    /// <param name="dataSource">The database to create the schema in, if missing, and to append to.</param>
    /// <param name="output">Receives a few lines per step.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The user's profile, folded from the stream read back.</returns>
    public static Task<UserProfile> RunAsync(NpgsqlDataSource dataSource, TextWriter output, CancellationToken cancellationToken) =>
        new EventMapExample(dataSource, output, cancellationToken).RunAsync();

    private async Task<UserProfile> RunAsync()
    {
        await CreateSchemaAsync().ConfigureAwait(false);
        var options = new EventMapOptions { CorrelationId = $"signup-{_userId}" };

        // An early release wrote the registration in its first shape.
        await AppendAsync(ExpectedVersion.NoStream, options, new V1.UserRegistered(_userId, "ada@old.example")).ConfigureAwait(false);
        await AppendAsync(ExpectedVersion.Exact(1), options,
            new V1.UserEmailChanged(_userId, "ada@new.example"), new V1.UserDeleted(_userId, "moving abroad")).ConfigureAwait(false);

        // The current release registers the same user again with version 2, which knows the country.
        await AppendAsync(ExpectedVersion.Exact(3), options,
            new V2.UserRegistered(_userId, "ada@new.example", "NL", DateTimeOffset.UtcNow)).ConfigureAwait(false);

        var events = await ReadBackAsync().ConfigureAwait(false);
        var profile = UserProfile.Fold(events);
        _output.WriteLine($"Profile: {profile.Email}, country {profile.Country ?? "unknown"}, deleted: {profile.IsDeleted}, version {profile.Version}");
        return profile;
    }

    private async Task CreateSchemaAsync()
    {
        var command = _dataSource.CreateCommand(MigrationEmitter.Render(EventStoreOptions.Default));
        await using var disposeCommand = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(_cancellationToken).ConfigureAwait(false);
    }

    private async Task AppendAsync(ExpectedVersion expectedVersion, EventMapOptions options, params object[] domainEvents)
    {
        var storeEvents = UserEventMapper.ToStoreEvents(AggregateType, _userId, domainEvents, options);
        var result = await InTransactionAsync(transaction => _store.AppendAsync(transaction, expectedVersion, storeEvents, _cancellationToken))
            .ConfigureAwait(false);
        foreach (var stored in result.Events)
        {
            _output.WriteLine($"Appended {stored.EventType} v{stored.EventVersion} at version {stored.AggregateVersion}: {Encoding.UTF8.GetString(stored.Payload)}");
        }
    }

    private async Task<List<(object Event, long Version)>> ReadBackAsync()
    {
        var stream = await InTransactionAsync(transaction =>
            _store.ReadAggregateStreamAsync(transaction, AggregateType, _userId, cancellationToken: _cancellationToken)).ConfigureAwait(false);
        _output.WriteLine($"Read {stream.Count} events of {AggregateType}/{_userId}:");
        var events = new List<(object Event, long Version)>(stream.Count);
        foreach (var persisted in stream.Events)
        {
            // The mapper picks the record by event type and version: v1 and v2 of UserRegistered are different records.
            var domainEvent = UserEventMapper.FromStoreEvent(persisted);
            _output.WriteLine($"  {persisted.AggregateVersion}: {domainEvent}");
            events.Add((domainEvent, persisted.AggregateVersion));
        }

        return events;
    }

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlTransaction, Task<T>> work)
    {
        var connection = await _dataSource.OpenConnectionAsync(_cancellationToken).ConfigureAwait(false);
        await using var disposeConnection = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(_cancellationToken).ConfigureAwait(false);
        await using var disposeTransaction = transaction.ConfigureAwait(false);
        var result = await work(transaction).ConfigureAwait(false);
        await transaction.CommitAsync(_cancellationToken).ConfigureAwait(false);
        return result;
    }
}
