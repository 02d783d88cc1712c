using System.Collections.Concurrent;
using System.Data;
using EventStore.Consumers;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>
/// A consumer that records each event in the <c>seen</c> table inside the transaction it is given, so the table holds
/// exactly what the processor committed. The table's key is (consumer, event id), so a second delivery of a committed
/// event fails the handler; such failures are also kept in <see cref="Duplicates"/>, because the processor retries the
/// failing batch forever and a test would otherwise only see it as events that never arrive.
/// </summary>
internal class SeenConsumer(string name = SeenConsumer.DefaultName) : IConsumer
{
    public const string DefaultName = "projection";

    public string Name { get; } = name;

    /// <summary>The event of every call of the handler, in call order, including calls whose batch later rolled back.</summary>
    public ConcurrentQueue<PersistedEvent> Calls { get; } = new();

    /// <summary>Events that were delivered again after a delivery of them had committed.</summary>
    public ConcurrentQueue<Guid> Duplicates { get; } = new();

    /// <summary>Runs before the insert; a test throws from it to fail an event, or awaits in it to stall the handler.</summary>
    public Func<PersistedEvent, CancellationToken, Task>? BeforeInsert { get; set; }

    public async Task HandleAsync(IDbTransaction transaction, PersistedEvent @event, CancellationToken cancellationToken)
    {
        Calls.Enqueue(@event);
        if (BeforeInsert is { } beforeInsert)
        {
            await beforeInsert(@event, cancellationToken);
        }

        var npgsqlTransaction = (NpgsqlTransaction)transaction;
        await using var command = new NpgsqlCommand(SeenTable.Insert, npgsqlTransaction.Connection, npgsqlTransaction);
        command.Parameters.AddWithValue("consumer", Name);
        command.Parameters.AddWithValue("event_id", @event.EventId);
        command.Parameters.AddWithValue("global_position", @event.GlobalPosition);
        command.Parameters.AddWithValue("aggregate_type", @event.AggregateType);
        command.Parameters.AddWithValue("aggregate_id", @event.AggregateId);
        command.Parameters.AddWithValue("aggregate_version", @event.AggregateVersion);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            Duplicates.Enqueue(@event.EventId);
            throw;
        }
    }
}
