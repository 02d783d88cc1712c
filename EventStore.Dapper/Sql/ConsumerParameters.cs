using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>Binds the consumer statements; each statement uses the parameters it names and ignores the rest.</summary>
internal sealed class ConsumerParameters(string consumerName, long toPosition = 0) : SqlMapper.IDynamicParameters
{
    public void AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        var parameters = ((NpgsqlCommand)command).Parameters;
        parameters.Add(new NpgsqlParameter<string>(ConsumerName, NpgsqlDbType.Text) { TypedValue = consumerName });
        parameters.Add(new NpgsqlParameter<long>(ToPosition, NpgsqlDbType.Bigint) { TypedValue = toPosition });
    }
}
