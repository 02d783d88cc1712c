using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Makes a partitioned events table's partitions ahead of the sequence, through the function the schema installs, so
/// that the same work runs from the store, from psql or from a scheduler.
/// </summary>
/// <param name="function">The schema's partition function, quoted.</param>
internal sealed class CreatePartitionsStatement(string function)
{
    public string Sql { get; } = $"SELECT {function}($1)";

    /// <summary>The statement as an operator runs it, for messages: <c>SELECT events_create_partitions(4)</c>.</summary>
    public string Example(int ahead) => Sql.Replace("$1", ahead.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction transaction, int ahead)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = ahead });
        return command;
    }

    /// <summary>How many partitions the call made.</summary>
    public static async Task<int> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt32(0);
    }

    /// <summary>
    /// The refusal for an append whose position fell beyond the last partition, naming the partition it needed, when
    /// known, and the command that makes more. PostgreSQL reports it as a check violation without a constraint, which no
    /// other append error is. Its detail, which holds the position, is redacted unless the connection string has
    /// <c>Include Error Detail</c>, so the partition comes from what the store learned of the highest one instead.
    /// </summary>
    /// <param name="error">The append's error.</param>
    /// <param name="events">The events table, for the message.</param>
    /// <param name="neededStart">The first position of the partition after the highest one the store knows of, or null.</param>
    public InvalidOperationException? MissingPartition(PostgresException error, string events, long? neededStart) =>
        error is { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: null }
            ? new InvalidOperationException(
                $"No partition of {events} holds the position this append took, so nothing was stored" +
                (neededStart is { } start
                    ? string.Create(CultureInfo.InvariantCulture, $"; it needed the partition from position {start}, the next after the last one made")
                    : string.Empty) +
                (error.Detail?.StartsWith("Partition key", StringComparison.Ordinal) is true ? $" ({error.Detail})" : string.Empty) +
                $". Partitions must be made ahead of the sequence: run {Example(4)}, which makes the partition for the next " +
                "position and four after it, from a scheduled job or PostgresEventStore.CreatePartitionsAsync, or let pg_partman " +
                "maintain them (docs/partitioning.md).",
                error)
            : null;
}
