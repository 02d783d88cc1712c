using System.Data;
using Dapper;

namespace EventStore.Dapper;

/// <summary>
/// Maps UUIDs to <see cref="Guid"/> whether the column is <c>uuid</c>, its text form or its 16 bytes, so ids
/// that other tools stored as text still read back as ids.
/// </summary>
internal sealed class UuidTypeHandler : SqlMapper.TypeHandler<Guid>
{
    public override void SetValue(IDbDataParameter parameter, Guid value)
    {
        parameter.DbType = DbType.Guid;
        parameter.Value = value;
    }

    public override Guid Parse(object value) => value switch
    {
        Guid guid => guid,
        string text => Guid.Parse(text),
        byte[] { Length: 16 } bytes => new Guid(bytes, bigEndian: true),
        _ => throw new DataException($"Cannot map a {value.GetType().Name} column to Guid; a uuid, text or 16-byte column was expected."),
    };
}
