using System.Data;

namespace EventStore;

/// <summary>
/// Reads the highest global position visible to the caller's transaction.
/// </summary>
public interface IGlobalPositionReader
{
    /// <summary>Gets the highest global position of any stored event that the transaction can see.</summary>
    /// <remarks>
    /// Events with lower positions may still become visible later; see <see cref="IEventReader"/> for why this value is
    /// not a safe checkpoint under concurrent writers.
    /// </remarks>
    /// <param name="transaction">The caller's open transaction, which also determines the connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The highest visible global position, or 0 when the store has no events.</returns>
    Task<long> GetLatestGlobalPositionAsync(IDbTransaction transaction, CancellationToken cancellationToken = default);
}
