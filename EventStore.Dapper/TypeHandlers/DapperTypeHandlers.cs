using Dapper;

namespace EventStore.Dapper;

/// <summary>
/// Registers the store's Dapper type handlers. Dapper's registry is process-wide, so this happens once per process
/// however many stores are built.
/// </summary>
/// <remarks>
/// Dapper consults its built-in type map before custom handlers, and that map includes <see cref="Guid"/> and
/// <see cref="DateTimeOffset"/>; their built-in mappings are removed so the handlers here are really used. Both handlers
/// read and write exactly what the built-in mappings do for Npgsql, and more, so other Dapper code in the process keeps working.
/// </remarks>
internal static class DapperTypeHandlers
{
    private static readonly Lock Gate = new();

    /// <summary>
    /// Registers each handler whose type has none yet, so a handler the application registered itself is kept.
    /// Thread-safe and idempotent.
    /// </summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            var added = AddIfMissing(typeof(NullString), new NullStringTypeHandler())
                | AddIfMissing(typeof(Guid), new UuidTypeHandler())
                | AddIfMissing(typeof(DateTimeOffset), new UtcTimestampTypeHandler());
            if (added)
            {
                // A query that ran before registration would otherwise keep the mapping it was compiled with.
                SqlMapper.PurgeQueryCache();
            }
        }
    }

    private static bool AddIfMissing(Type type, SqlMapper.ITypeHandler handler)
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
