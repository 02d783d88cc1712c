using System.Diagnostics;
using Npgsql;

namespace EventStore.Tests.Consumers;

/// <summary>Reads and waits on the failure columns of checkpoint rows, and on the dead letters table.</summary>
internal static class FailureRows
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    public static async Task<FailureRow?> ReadAsync(ConsumerDatabase db, string consumer)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT global_position, failed_position, failed_attempts, last_error, last_error_at, stopped_at
            FROM consumer_checkpoints WHERE consumer_name = @consumer
            """,
            connection);
        command.Parameters.AddWithValue("consumer", consumer);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new FailureRow(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetDateTime(4),
                reader.IsDBNull(5) ? null : reader.GetDateTime(5))
            : null;
    }

    /// <summary>Waits until the consumer's row satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<FailureRow> WaitAsync(ConsumerDatabase db, string consumer, Func<FailureRow, bool> condition, string what, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var row = await ReadAsync(db, consumer);
            if (row is not null && condition(row))
            {
                return row;
            }

            if (clock.Elapsed > within)
            {
                Assert.Fail($"After {within.TotalSeconds:0.#} s the checkpoint row of '{consumer}' is still not {what}: {row}; " +
                            string.Join("; ", db.Log.Problems.TakeLast(5)));
            }

            await Task.Delay(Poll);
        }
    }

    /// <summary>Waits until something was logged that contains <paramref name="text"/>.</summary>
    public static async Task WaitForLogAsync(ConsumerDatabase db, string text, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!db.Log.Entries.Any(entry => entry.Message.Contains(text, StringComparison.Ordinal)))
        {
            clock.Elapsed.ShouldBeLessThan(within, $"nothing logged contains '{text}'; {string.Join("; ", db.Log.Problems.TakeLast(5))}");
            await Task.Delay(Poll);
        }
    }

    /// <summary>Runs one statement in a transaction of its own.</summary>
    public static async Task ExecuteAsync(ConsumerDatabase db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
