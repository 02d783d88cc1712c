using System.Data;
using Dapper;

namespace EventStore.Dapper;

/// <summary>Maps a nullable text column to <see cref="NullString"/> and back, SQL NULL being <see cref="NullString.Null"/>.</summary>
internal sealed class NullStringTypeHandler : SqlMapper.TypeHandler<NullString>
{
    public override void SetValue(IDbDataParameter parameter, NullString value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value.Value ?? (object)DBNull.Value;
    }

    public override NullString Parse(object value) => value switch
    {
        string text => new NullString(text),
        DBNull => NullString.Null,
        _ => throw new DataException($"Cannot map a {value.GetType().Name} column to NullString; a text column was expected."),
    };
}
