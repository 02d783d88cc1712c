using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Records a handler failure on the consumer's checkpoint row, in an autocommitted statement of its own after the batch
/// rolled back, so that it outlives the batch and adds up across instances. It counts an attempt against an event, and
/// stops the consumer when the event has failed often enough; or, for a failure that counts against no event, it only
/// notes the error. The row is written only while this instance holds the lease: a table lease matches its owner and
/// epoch here, and an advisory lock runs the statement on the session that holds the lock.
/// </summary>
internal sealed class ConsumerFailureStatement(string checkpoints)
{
    private const string ConsumerParameter = "$1";
    private const string OwnerParameter = "$2";
    private const string EpochParameter = "$3";
    private const string PositionParameter = "$4";
    private const string ErrorParameter = "$5";
    private const string StopAfterParameter = "$6";

    // With no owner the caller holds an advisory lock, which the session itself proves.
    private static readonly string Held = $"""
        consumer_name = {ConsumerParameter}
          AND ({OwnerParameter} IS NULL OR (lease_owner = {OwnerParameter} AND lease_epoch = {EpochParameter}))
        """;

    // Right of SET, columns are the row's old values, so this is the attempt count after this failure.
    private static readonly string Attempts = $"CASE WHEN failed_position = {PositionParameter} THEN failed_attempts + 1 ELSE 1 END";

    /// <summary>Counts a failure against the event at the position, and stops the consumer once it has failed often enough.</summary>
    public string CountSql { get; } = $"""
        UPDATE {checkpoints}
        SET failed_attempts = {Attempts}, failed_position = {PositionParameter},
            last_error = {ErrorParameter}, last_error_at = now(),
            stopped_at = CASE WHEN {Attempts} >= {StopAfterParameter} THEN now() ELSE stopped_at END
        WHERE {Held}
        RETURNING failed_attempts, stopped_at IS NOT NULL
        """;

    /// <summary>Notes a failure that counts against no event.</summary>
    public string NoteSql { get; } = $"""
        UPDATE {checkpoints} SET last_error = {ErrorParameter}, last_error_at = now()
        WHERE {Held}
        RETURNING failed_attempts, stopped_at IS NOT NULL
        """;

    /// <param name="connection">A connection with no transaction: the batch's after its rollback, or the advisory lock's.</param>
    /// <param name="consumer">The consumer's checkpoint row.</param>
    /// <param name="owner">The table lease's holder; null under an advisory lock.</param>
    /// <param name="epoch">The table lease's epoch; ignored under an advisory lock.</param>
    /// <param name="entry">The failure.</param>
    public NpgsqlCommand Create(NpgsqlConnection connection, string consumer, string? owner, long epoch, FailureEntry entry)
    {
        var command = new NpgsqlCommand(entry.Position is null ? NoteSql : CountSql, connection);
        var parameters = command.Parameters;
        // Typed, so each statement takes the parameters it does not use.
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = consumer });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)owner ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = epoch });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)entry.Position ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = entry.Error });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)entry.StopAfter ?? DBNull.Value });
        return command;
    }

    /// <summary>Reads the row after the failure; null when the lease was lost, so nothing was written.</summary>
    public static async Task<RecordedFailure?> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new RecordedFailure(reader.GetInt32(0), reader.GetBoolean(1)) : null;
}
