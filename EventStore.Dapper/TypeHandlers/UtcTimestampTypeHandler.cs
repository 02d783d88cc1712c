using System.Data;
using Dapper;

namespace EventStore.Dapper;

/// <summary>
/// Maps <c>timestamptz</c>, which Npgsql hands out as a UTC <see cref="DateTime"/>, to <see cref="DateTimeOffset"/>,
/// and writes offsets as UTC, the only offset Npgsql accepts for <c>timestamptz</c>. Registered only by
/// <see cref="EventStoreDapper.ReplaceProcessWideGuidAndDateTimeOffsetMappings"/>.
/// </summary>
/// <remarks>
/// A <see cref="DateTime"/> of unspecified kind, as Npgsql reads <c>timestamp without time zone</c>, is taken as UTC.
/// Not generic over <see cref="DateTimeOffset"/>, so a single-column read of SQL NULL can answer <see langword="null"/>
/// for a <c>DateTimeOffset?</c> (see <see cref="UuidTypeHandler"/>).
/// </remarks>
internal sealed class UtcTimestampTypeHandler : SqlMapper.ITypeHandler
{
    public void SetValue(IDbDataParameter parameter, object value)
    {
        parameter.DbType = DbType.DateTime;
        parameter.Value = value is DateTimeOffset offset ? offset.UtcDateTime : value;
    }

    public object? Parse(Type destinationType, object value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime { Kind: DateTimeKind.Utc } utc => new DateTimeOffset(utc),
        DateTime other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc)),
        DBNull when Nullable.GetUnderlyingType(destinationType) is not null => null,
        _ => throw new DataException($"Cannot map a {value.GetType().Name} column to {destinationType.Name}; a timestamptz column was expected."),
    };
}
