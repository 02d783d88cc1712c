using System.Data;
using Dapper;

namespace EventStore.Dapper;

/// <summary>
/// Maps <c>timestamptz</c>, which Npgsql hands out as a UTC <see cref="DateTime"/>, to <see cref="DateTimeOffset"/>,
/// and writes offsets as UTC, the only offset Npgsql accepts for <c>timestamptz</c>.
/// </summary>
internal sealed class UtcTimestampTypeHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.DateTime;
        parameter.Value = value.UtcDateTime;
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime { Kind: DateTimeKind.Utc } utc => new DateTimeOffset(utc),
        DateTime other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc)),
        _ => throw new DataException($"Cannot map a {value.GetType().Name} column to DateTimeOffset; a timestamptz column was expected."),
    };
}
