using System.Diagnostics;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>What the server says about a partitioned consumer: its checkpoint rows, its members, and its events' partitions.</summary>
internal static class PartitionState
{
    /// <summary>The partition of an aggregate, computed by the server as the processor's batches pick it.</summary>
    public const string PartitionOf = "(hashtextextended(aggregate_id, 0) & 9223372036854775807) % @count";

    /// <summary>The consumer's checkpoint rows by name, with their positions.</summary>
    public static async Task<Dictionary<string, long>> CheckpointsAsync(ConsumerDatabase db, string consumer = SeenConsumer.DefaultName)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT consumer_name, global_position FROM consumer_checkpoints WHERE consumer_name = @consumer OR starts_with(consumer_name, @consumer || '[')",
            connection);
        command.Parameters.AddWithValue("consumer", consumer);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0), reader.GetInt64(1));
        }

        return rows;
    }

    /// <summary>The live members of the consumer and how many partitions each says it holds.</summary>
    public static async Task<Dictionary<string, int>> MembersAsync(ConsumerDatabase db, string consumer = SeenConsumer.DefaultName)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT member, partitions_held FROM consumer_checkpoints_members WHERE consumer_name = @consumer AND expires_at > clock_timestamp()",
            connection);
        command.Parameters.AddWithValue("consumer", consumer);
        await using var reader = await command.ExecuteReaderAsync();
        var members = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            members.Add(reader.GetString(0), reader.GetInt32(1));
        }

        return members;
    }

    /// <summary>The partition of each aggregate in the log.</summary>
    public static async Task<Dictionary<string, int>> PartitionsAsync(ConsumerDatabase db, int count)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT DISTINCT aggregate_id, ({PartitionOf})::int FROM {db.Store.Options.EventsTable}", connection);
        command.Parameters.AddWithValue("count", count);
        await using var reader = await command.ExecuteReaderAsync();
        var partitions = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            partitions.Add(reader.GetString(0), reader.GetInt32(1));
        }

        return partitions;
    }

    /// <summary>The last position the log's sequence handed out, committed or not: where every checkpoint ends once writers stop.</summary>
    public static async Task<long> SequenceAsync(ConsumerDatabase db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{db.Store.Options.EventsTable}', 'global_position')::regclass), 0)", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until each of the consumer's <paramref name="count"/> partitions has its checkpoint at the last position the
    /// sequence handed out, which every partition reaches once writers stop; returns the checkpoints.
    /// </summary>
    public static async Task<Dictionary<string, long>> WaitForFrontierAsync(
        ConsumerDatabase db, int count, TimeSpan within, string consumer = SeenConsumer.DefaultName)
    {
        var clock = Stopwatch.StartNew();
        var sequence = await SequenceAsync(db);
        Dictionary<string, long> checkpoints;
        while ((checkpoints = await CheckpointsAsync(db, consumer)).Count != count || checkpoints.Values.Any(position => position != sequence))
        {
            clock.Elapsed.ShouldBeLessThan(within, $"the checkpoints are {string.Join(", ", checkpoints)}, not all at {sequence}");
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }

        return checkpoints;
    }
}
