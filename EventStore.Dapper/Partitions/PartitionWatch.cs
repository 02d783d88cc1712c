using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// Reports, in the log and a metric, when fewer partitions than <see cref="EventStoreOptions.MinPartitionsAhead"/>
/// remain beyond the one that holds an append's last position, so that an operator makes more before appends run out.
/// </summary>
/// <remarks>
/// The highest partition is learned from the server on a store's first append, and again whenever the last one learned
/// leaves too few ahead, since another instance or pg_partman may have made more meanwhile. The server reads it from
/// the partitions' bounds, so partitions count whoever made them. A shortfall the server confirms is
/// reported, and then not checked again for <see cref="ReportEvery"/>. Otherwise each append only compares its own
/// position with what was learned, which costs nothing.
/// </remarks>
internal sealed class PartitionWatch(
    LastPartitionStatement lastPartition, long partitionSize, int minimumAhead, string eventsTable, StatementPreparation preparation, ILogger logger)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private long _lastPartition = -1;
    private long _reportedAt;
    private int _checking;

    /// <summary>Checks what remains ahead of <paramref name="lastPosition"/>, on the append's own transaction.</summary>
    public async Task AfterAppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long lastPosition, CancellationToken cancellationToken)
    {
        // Partition k holds positions k × size up to (k + 1) × size − 1, the bounds pg_partman gives it too.
        var holding = lastPosition / partitionSize;
        if (Volatile.Read(ref _lastPartition) - holding >= minimumAhead || ReportedLately() || Interlocked.CompareExchange(ref _checking, 1, 0) != 0)
        {
            return;
        }

        try
        {
            var last = await StoreCommands.RunAsync(lastPartition.Create(connection, transaction), preparation, 0,
                static (reader, _, token) => LastPartitionStatement.ReadAsync(reader, token), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastPartition, last);
            var ahead = Math.Max(last - holding, 0);
            StoreTelemetry.PartitionsAhead(ahead, eventsTable);
            if (ahead < minimumAhead)
            {
                Volatile.Write(ref _reportedAt, Stopwatch.GetTimestamp());
                PartitionLog.FewPartitionsAhead(logger, ahead, eventsTable, lastPosition, minimumAhead);
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>
    /// The first position of the partition after the highest one learned, which an append beyond the last partition
    /// needed; null before the store has learned the highest partition.
    /// </summary>
    public long? NextPartitionStart => Volatile.Read(ref _lastPartition) is >= 0 and var last ? (last + 1) * partitionSize : null;

    /// <summary>Forgets what was learned, after this store made partitions, so that the next append learns it again.</summary>
    public void Forget()
    {
        Volatile.Write(ref _lastPartition, -1);
        Volatile.Write(ref _reportedAt, 0);
    }

    private bool ReportedLately()
    {
        var reportedAt = Volatile.Read(ref _reportedAt);
        return reportedAt != 0 && Stopwatch.GetElapsedTime(reportedAt) < ReportEvery;
    }
}
