using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Binds a global log read.</summary>
internal sealed class PositionParameters(long fromPosition, int limit) : SqlMapper.IDynamicParameters
{
    public void AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        var parameters = ((NpgsqlCommand)command).Parameters;
        parameters.Add(new NpgsqlParameter<long>(FromPosition, NpgsqlDbType.Bigint) { TypedValue = fromPosition });
        parameters.Add(new NpgsqlParameter<int>(Limit, NpgsqlDbType.Integer) { TypedValue = limit });
    }
}
