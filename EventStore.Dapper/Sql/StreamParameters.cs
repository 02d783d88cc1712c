using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Binds an aggregate stream read, with its version bounds when the statement has them.</summary>
internal sealed class StreamParameters(string aggregateType, string aggregateId, long fromVersion, long toVersion, bool bounded)
    : SqlMapper.IDynamicParameters
{
    public void AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        var parameters = ((NpgsqlCommand)command).Parameters;
        parameters.Add(new NpgsqlParameter<string>(AggregateType, NpgsqlDbType.Text) { TypedValue = aggregateType });
        parameters.Add(new NpgsqlParameter<string>(AggregateId, NpgsqlDbType.Text) { TypedValue = aggregateId });
        if (bounded)
        {
            parameters.Add(new NpgsqlParameter<long>(FromVersion, NpgsqlDbType.Bigint) { TypedValue = fromVersion });
            parameters.Add(new NpgsqlParameter<long>(ToVersion, NpgsqlDbType.Bigint) { TypedValue = toVersion });
        }
    }
}
