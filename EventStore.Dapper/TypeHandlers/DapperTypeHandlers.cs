using Dapper;

namespace EventStore.Dapper;

/// <summary>
/// Registers the library's Dapper type handlers. Dapper's registry is process-wide and belongs to the application, so
/// building a store or a processor registers only the handler for the library's own <see cref="NullString"/>; the
/// handlers that replace Dapper's mappings of <see cref="Guid"/> and <see cref="DateTimeOffset"/> are registered only
/// when the application asks, through <see cref="EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings"/>.
/// </summary>
/// <remarks>
/// Registration is idempotent and serialized by one lock, because Dapper replaces its handler table by copy on write
/// and two registrations racing could lose one. A type that already has a handler keeps it, so a handler the application
/// registered first wins.
/// </remarks>
internal static class DapperTypeHandlers
{
    private static readonly Lock Gate = new();

    /// <summary>Registers the <see cref="NullString"/> handler unless the type has one; touches no other type.</summary>
    public static void EnsureNullStringHandler()
    {
        lock (Gate)
        {
            if (SqlMapper.HasTypeHandler(typeof(NullString)))
            {
                return;
            }

            SqlMapper.AddTypeHandler(new NullStringTypeHandler());
            // A query that ran before registration would otherwise keep the mapping it was compiled with.
            SqlMapper.PurgeQueryCache();
        }
    }

    /// <summary>The work of <see cref="EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings"/>.</summary>
    public static void ReplaceGuidAndDateTimeOffsetMappings()
    {
        lock (Gate)
        {
            var added = ReplaceMapping(typeof(Guid), new UuidTypeHandler())
                | ReplaceMapping(typeof(DateTimeOffset), new UtcTimestampTypeHandler());
            if (added)
            {
                SqlMapper.PurgeQueryCache();
            }
        }
    }

    /// <summary>
    /// Dapper consults its built-in type map, which includes <see cref="Guid"/> and <see cref="DateTimeOffset"/>, before
    /// custom handlers; the built-in entries are removed so the handler is really used.
    /// </summary>
    private static bool ReplaceMapping(Type type, SqlMapper.ITypeHandler handler)
    {
        if (SqlMapper.HasTypeHandler(type))
        {
            return false;
        }

        SqlMapper.RemoveTypeMap(type);
        SqlMapper.RemoveTypeMap(typeof(Nullable<>).MakeGenericType(type));
        SqlMapper.AddTypeHandler(type, handler);
        return true;
    }
}
