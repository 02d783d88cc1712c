using System.Globalization;

namespace EventStore;

/// <summary>
/// Raised when an append's <see cref="ExpectedVersion"/> does not match the aggregate's current version.
/// </summary>
public sealed class OptimisticConcurrencyException : EventStoreException
{
    /// <summary>Initializes a new instance from the facts of the conflict.</summary>
    /// <param name="aggregateType">The type of the aggregate appended to.</param>
    /// <param name="aggregateId">The id of the aggregate appended to.</param>
    /// <param name="expectedVersion">The version the append expected.</param>
    /// <param name="actualVersion">The aggregate's current version, or <see langword="null"/> when it is not known.</param>
    /// <param name="innerException">The exception that revealed the conflict, such as a unique violation, or <see langword="null"/>.</param>
    public OptimisticConcurrencyException(
        string aggregateType,
        string aggregateId,
        ExpectedVersion expectedVersion,
        long? actualVersion,
        Exception? innerException = null)
        : base(FormatMessage(aggregateType, aggregateId, expectedVersion, actualVersion), innerException)
    {
        AggregateType = aggregateType;
        AggregateId = aggregateId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>Gets the type of the aggregate appended to.</summary>
    public string AggregateType { get; }

    /// <summary>Gets the id of the aggregate appended to.</summary>
    public string AggregateId { get; }

    /// <summary>Gets the version the append expected.</summary>
    public ExpectedVersion ExpectedVersion { get; }

    /// <summary>
    /// Gets the aggregate's current version, or <see langword="null"/> when it is not known,
    /// for example when the conflict was detected by a constraint rather than by reading the version.
    /// </summary>
    public long? ActualVersion { get; }

    private static string FormatMessage(string aggregateType, string aggregateId, ExpectedVersion expected, long? actual)
    {
        var actualText = actual is { } version
            ? version.ToString(CultureInfo.InvariantCulture)
            : "unknown";
        return $"Optimistic concurrency conflict on aggregate {aggregateType}/{aggregateId}: expected {expected}, actual version {actualText}.";
    }
}
