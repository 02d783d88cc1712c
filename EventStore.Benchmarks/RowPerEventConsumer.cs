using System.Data;
using EventStore.Consumers;
using Npgsql;

namespace EventStore.Benchmarks;

/// <summary>A read model written as most handlers are first written: one INSERT per event, in the batch's transaction.</summary>
internal sealed class RowPerEventConsumer(string name, string aggregateType, CatchUpProgress progress) : IScopedConsumer
{
    public string Name => name;

    public IReadOnlyCollection<string> AggregateTypes => [aggregateType];

    public async Task HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken)
    {
        await using var command = ReadModelTable.InsertOne((NpgsqlTransaction)transaction, @event);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        progress.Handled(1);
    }
}
