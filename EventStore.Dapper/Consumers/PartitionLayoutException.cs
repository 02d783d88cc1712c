using System.Globalization;

namespace EventStore.Dapper;

/// <summary>
/// The refusal to run a consumer whose checkpoint rows were written under another partition layout. A partition's
/// checkpoint covers only the aggregates that hash to it, so no row of one layout says how far another has come.
/// </summary>
internal sealed class PartitionLayoutException(string message) : InvalidOperationException(message)
{
    /// <param name="consumer">The consumer's name, as declared.</param>
    /// <param name="partitionCount">The declared partition count; null for an unpartitioned consumer.</param>
    /// <param name="checkpoints">The checkpoints table, quoted.</param>
    /// <param name="foreignRows">Rows of the consumer that the declared layout does not have.</param>
    public static PartitionLayoutException Changed(string consumer, int? partitionCount, string checkpoints, IReadOnlyList<string> foreignRows) => new(
        $"Consumer {consumer} is declared {Declared(partitionCount)}, but {checkpoints} holds checkpoint rows of another layout: " +
        $"{string.Join(", ", foreignRows.Select(row => $"'{row}'"))}. Each partition's checkpoint covers only the aggregates " +
        "that hash to it, so progress cannot carry over to another partition count. Fix: rebuild (docs/consumers.md, " +
        "\"Changing the partition count\"): run the new layout under a new consumer name from position 0 beside the old " +
        $"one and switch over once it has caught up, or stop every instance, delete the consumer's rows from {checkpoints}, " +
        "clear its read model and start again; or declare the layout those rows were written with.");

    private static string Declared(int? partitionCount) => partitionCount is { } count
        ? $"with {count.ToString(CultureInfo.InvariantCulture)} partitions"
        : "unpartitioned";
}
