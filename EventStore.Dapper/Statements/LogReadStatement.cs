using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>Reads the global log after a position, in position order, up to a limit.</summary>
/// <param name="events">The events table, quoted.</param>
/// <param name="guard">The archive guard of a partitioned events table, which refuses a read that would skip archived events; null for a plain one.</param>
internal sealed class LogReadStatement(string events, ArchiveGuard? guard)
{
    public string Sql { get; } = $"""
        SELECT {EventColumns.All}
        FROM {events}
        WHERE global_position > $1{(guard is null ? string.Empty : $" AND {guard.ReadsAfter("$1")}")}
        ORDER BY global_position
        LIMIT $2
        """;

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, long fromPosition, int limit)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = fromPosition });
        command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        return command;
    }

    public static Task<List<PersistedEvent>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        EventColumns.ReadAsync(reader, cancellationToken);
}
