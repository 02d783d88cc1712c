namespace EventStore.Dapper;

/// <summary>
/// Another instance took a table lease over while this one held it: this instance stops processing the consumer, and
/// the batch in hand, if any, is rolled back.
/// </summary>
internal sealed class LeaseLostException(string consumerName, long epoch)
    : Exception($"Consumer {consumerName}'s lease of epoch {epoch} was taken over by another instance.")
{
    public string ConsumerName { get; } = consumerName;

    public long Epoch { get; } = epoch;
}
