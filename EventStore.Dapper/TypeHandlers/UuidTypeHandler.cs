using System.Data;
using Dapper;

namespace EventStore.Dapper;

/// <summary>
/// Maps UUIDs to <see cref="Guid"/> whether the column is <c>uuid</c>, its text form or its 16 bytes, so ids that other
/// tools stored as text still read back as ids. Registered only by
/// <see cref="EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings"/>.
/// </summary>
/// <remarks>
/// Dapper uses one handler for a value type and its nullable form, and hands a single-column read of SQL NULL to the
/// handler; so the handler is not generic over <see cref="Guid"/>, which could not answer <see langword="null"/> for a
/// <c>Guid?</c>.
/// </remarks>
internal sealed class UuidTypeHandler : SqlMapper.ITypeHandler
{
    public void SetValue(IDbDataParameter parameter, object value)
    {
        parameter.DbType = DbType.Guid;
        parameter.Value = value;
    }

    public object? Parse(Type destinationType, object value) => value switch
    {
        Guid guid => guid,
        string text => Guid.Parse(text),
        byte[] { Length: 16 } bytes => new Guid(bytes, bigEndian: true),
        DBNull when Nullable.GetUnderlyingType(destinationType) is not null => null,
        _ => throw new DataException($"Cannot map a {value.GetType().Name} column to {destinationType.Name}; a uuid, text or 16-byte column was expected."),
    };
}
