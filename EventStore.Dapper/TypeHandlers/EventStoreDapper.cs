namespace EventStore.Dapper;

/// <summary>
/// Process-wide Dapper configuration that the library never applies by itself. Building a
/// <see cref="PostgresEventStore"/> or a <see cref="ConsumerProcessor"/> registers only a handler for the library's own
/// <see cref="NullString"/>, and keeps one the application registered first.
/// </summary>
public static class EventStoreDapper
{
    /// <summary>
    /// Replaces Dapper's built-in mappings of <see cref="Guid"/> and <see cref="DateTimeOffset"/>, for every Dapper call
    /// in the process, with handlers that also read ids stored as text or bytes and treat every timestamp as UTC.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Nothing in this library needs it: the store and the processor read and bind with Npgsql's typed API, and use
    /// Dapper only for values that Dapper's own mappings handle. Call it once, at startup, only if your own Dapper code
    /// wants these mappings. It changes, for all Dapper code in the process, with any database provider:
    /// </para>
    /// <list type="number">
    /// <item><description>Dapper's built-in map entries for <see cref="Guid"/>, <c>Guid?</c>, <see cref="DateTimeOffset"/>
    /// and <c>DateTimeOffset?</c> are removed, handlers are registered in their place, and Dapper's query cache is
    /// purged.</description></item>
    /// <item><description>Reading <see cref="Guid"/>: a <c>uuid</c> reads as before; a <c>text</c> column holding a UUID,
    /// and a 16-byte <c>bytea</c> in network byte order (as PostgreSQL's <c>uuid_send</c> writes it), now read as a
    /// <see cref="Guid"/> where Dapper throws a <see cref="System.Data.DataException"/>. Writing is unchanged
    /// (<see cref="System.Data.DbType.Guid"/>).</description></item>
    /// <item><description>Reading <see cref="DateTimeOffset"/>: a <c>timestamptz</c>, which Npgsql reads as a UTC
    /// <see cref="DateTime"/>, reads as a <see cref="DateTimeOffset"/> with offset zero, also as a single value and as a
    /// record's constructor parameter, where Dapper throws. A <c>timestamp without time zone</c> is taken as UTC, where
    /// Dapper throws for a single value and applies the machine's local offset to a property.</description></item>
    /// <item><description>Writing <see cref="DateTimeOffset"/>: every value is converted to UTC and sent as a
    /// <see cref="DateTime"/> with <see cref="System.Data.DbType.DateTime"/>. Npgsql no longer refuses an offset other
    /// than zero, and the offset is dropped: a provider with an offset-carrying type, such as SQL Server's
    /// <c>datetimeoffset</c>, stores +00:00. With Npgsql, Dapper passes a list or array parameter whole, so the values
    /// inside one are not converted.</description></item>
    /// <item><description>Reading SQL NULL into <c>Guid?</c> or <c>DateTimeOffset?</c> still gives <see langword="null"/>.</description></item>
    /// </list>
    /// <para>
    /// A type that already has a Dapper handler keeps it, so a handler registered by the application first wins. The
    /// call is thread-safe and idempotent. There is no undo short of resetting Dapper: <c>SqlMapper.ResetTypeHandlers</c>
    /// removes every handler, the application's too, and the built-in entries must be put back with
    /// <c>SqlMapper.AddTypeMap</c>.
    /// </para>
    /// </remarks>
    public static void ReplaceProcessWideGuidAndDateTimeOffsetMappings() => DapperTypeHandlers.ReplaceGuidAndDateTimeOffsetMappings();
}
