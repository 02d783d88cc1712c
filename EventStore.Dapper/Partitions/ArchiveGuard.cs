using Npgsql;

namespace EventStore.Dapper;

/// <summary>
/// How the reads of a partitioned events table refuse to skip an archived partition: the conditions they add, and the
/// error the schema's refusal function raises, as an <see cref="ArchivedEventsException"/>.
/// </summary>
/// <param name="archive">The archive table, quoted.</param>
/// <param name="refuseFunction">The schema's refusal function, quoted.</param>
internal sealed class ArchiveGuard(string archive, string refuseFunction)
{
    /// <summary>The SQLSTATE of the refusal; no PostgreSQL error class starts with ES, so no other error is taken for it.</summary>
    public const string SqlState = "ES001";

    /// <summary>
    /// For a read of the positions after <paramref name="after"/>: one probe of the archive table's key per execution,
    /// and the refusal only when an archived partition lies beyond <paramref name="after"/>.
    /// </summary>
    public string ReadsAfter(string after) =>
        $"(NOT EXISTS (SELECT 1 FROM {archive} WHERE last_position > {after}) OR {refuseFunction}({after}))";

    /// <summary>For a key row whose event, read by position, may be gone: the refusal names the partition that held it.</summary>
    public string EventFound(string eventPosition, string keyPosition) =>
        $"({eventPosition} IS NOT NULL OR {refuseFunction}({keyPosition} - 1, {keyPosition}))";

    /// <summary>The refusal as the store's exception; null for any other error.</summary>
    public static ArchivedEventsException? Translate(PostgresException error) =>
        error.SqlState == SqlState
            ? new ArchivedEventsException($"{error.MessageText}. {error.Hint}", error.TableName ?? string.Empty, error)
            : null;
}
