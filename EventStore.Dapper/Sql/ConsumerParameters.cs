using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Binds the consumer statements; each statement uses the parameters it names and ignores the rest.</summary>
internal sealed class ConsumerParameters(
    string consumerName, long fromPosition = 0, long toPosition = 0, int limit = 0, string[]? aggregateTypes = null)
    : SqlMapper.IDynamicParameters
{
    public void AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        var parameters = ((NpgsqlCommand)command).Parameters;
        parameters.Add(new NpgsqlParameter<string>(ConsumerName, NpgsqlDbType.Text) { TypedValue = consumerName });
        parameters.Add(new NpgsqlParameter<long>(FromPosition, NpgsqlDbType.Bigint) { TypedValue = fromPosition });
        parameters.Add(new NpgsqlParameter<long>(ToPosition, NpgsqlDbType.Bigint) { TypedValue = toPosition });
        parameters.Add(new NpgsqlParameter<int>(Limit, NpgsqlDbType.Integer) { TypedValue = limit });
        if (aggregateTypes is not null)
        {
            parameters.Add(new NpgsqlParameter<string[]>(AggregateTypes, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = aggregateTypes });
        }
    }
}
