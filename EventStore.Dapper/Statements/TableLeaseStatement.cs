using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// The statements of a table lease (<see cref="ConsumerLeaseMode.Table"/>): a consumer's checkpoint row names the
/// instance holding it, an epoch that every take raises, and when the lease expires. Each statement is one
/// autocommitted statement or part of the batch's transaction, so none depends on session state, and a pooler may run
/// each in a different server session. Expiry times come from the server's clock, so instances' clocks may disagree.
/// </summary>
/// <remarks>
/// The epoch is the fence. Every statement that keeps or uses the lease matches the holder's epoch, and the batch's
/// first statement also locks the row for the batch, so a takeover, which skips a locked row, waits until the batch
/// has committed or rolled back. A holder that lost the lease while it was not looking finds another epoch and stops.
/// </remarks>
internal sealed class TableLeaseStatement(string checkpoints)
{
    private const string ConsumerParameter = "$1";
    private const string OwnerParameter = "$2";
    private const string DurationParameter = "$3";
    private const string EpochParameter = "$4";
    private const string PositionParameter = "$5";

    /// <summary>Takes the lease if it is free, expired, or this holder's own; returns the new epoch, or no row.</summary>
    public string TakeSql { get; } = $"""
        UPDATE {checkpoints} AS checkpoint
        SET lease_owner = {OwnerParameter}, lease_epoch = checkpoint.lease_epoch + 1,
            lease_expires_at = clock_timestamp() + {DurationParameter}
        FROM (SELECT consumer_name FROM {checkpoints}
              WHERE consumer_name = {ConsumerParameter}
                AND (lease_owner IS NULL OR lease_owner = {OwnerParameter} OR lease_expires_at <= clock_timestamp())
              FOR UPDATE SKIP LOCKED) AS free
        WHERE checkpoint.consumer_name = free.consumer_name
        RETURNING checkpoint.lease_epoch
        """;

    /// <summary>
    /// Extends the lease if this holder still has it, and returns the checkpoint. At the start of a batch it also locks
    /// the row for the batch; alone, it is the heartbeat.
    /// </summary>
    public string RenewSql { get; } = $"""
        UPDATE {checkpoints} SET lease_expires_at = clock_timestamp() + {DurationParameter}
        WHERE consumer_name = {ConsumerParameter} AND lease_owner = {OwnerParameter} AND lease_epoch = {EpochParameter}
        RETURNING {CheckpointRow.Columns}
        """;

    /// <summary>Moves the checkpoint and extends the lease, in the batch's transaction, if this holder still has it.</summary>
    public string SaveSql { get; } = $"""
        UPDATE {checkpoints}
        SET global_position = {PositionParameter}, updated_at = now(), lease_expires_at = clock_timestamp() + {DurationParameter},
            {ConsumerStatements.ForgetPassedFailure(PositionParameter)}
        WHERE consumer_name = {ConsumerParameter} AND lease_owner = {OwnerParameter} AND lease_epoch = {EpochParameter}
        """;

    /// <summary>Gives the lease up, so another instance may take it at once; the epoch stays, so epochs only grow.</summary>
    public string ReleaseSql { get; } = $"""
        UPDATE {checkpoints} SET lease_owner = NULL, lease_expires_at = NULL
        WHERE consumer_name = {ConsumerParameter} AND lease_owner = {OwnerParameter} AND lease_epoch = {EpochParameter}
        """;

    public NpgsqlCommand Take(NpgsqlConnection connection, LeaseHolder holder) =>
        Bind(new NpgsqlCommand(TakeSql, connection), holder, epoch: 0, position: 0);

    public NpgsqlCommand Renew(NpgsqlConnection connection, NpgsqlTransaction? transaction, LeaseHolder holder, long epoch) =>
        Bind(new NpgsqlCommand(RenewSql, connection, transaction), holder, epoch, position: 0);

    public NpgsqlCommand Save(NpgsqlConnection connection, NpgsqlTransaction transaction, LeaseHolder holder, long epoch, long position) =>
        Bind(new NpgsqlCommand(SaveSql, connection, transaction), holder, epoch, position);

    public NpgsqlCommand Release(NpgsqlConnection connection, LeaseHolder holder, long epoch) =>
        Bind(new NpgsqlCommand(ReleaseSql, connection), holder, epoch, position: 0);

    /// <summary>Reads the epoch a take returns; null when the lease is not this holder's.</summary>
    public static async Task<long?> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt64(0) : null;

    /// <summary>Reads the checkpoint row a renewal returns; null when the lease is no longer this holder's.</summary>
    public static async Task<CheckpointRow?> ReadCheckpointAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new CheckpointRow(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt32(2), reader.GetBoolean(3))
            : null;

    /// <summary>
    /// Binds the same five typed parameters to every statement. PostgreSQL takes a parameter that a statement does not
    /// use when its type is given, so the statements share one binding.
    /// </summary>
    private static NpgsqlCommand Bind(NpgsqlCommand command, LeaseHolder holder, long epoch, long position)
    {
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = holder.ConsumerName });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = holder.Owner });
        parameters.Add(new NpgsqlParameter<TimeSpan> { NpgsqlDbType = NpgsqlDbType.Interval, TypedValue = holder.Duration });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = epoch });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = position });
        return command;
    }
}
