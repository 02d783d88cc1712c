using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using static EventStore.Dapper.ParameterNames;

namespace EventStore.Dapper;

/// <summary>
/// Binds one append as column arrays, so a batch of any size is one statement and one round trip. Parameters are
/// typed explicitly: nothing is inferred, and values are not boxed.
/// </summary>
internal sealed class AppendParameters : SqlMapper.IDynamicParameters
{
    private readonly IReadOnlyList<Event> _events;
    private readonly ExpectedVersion _expectedVersion;
    private readonly string? _notifyChannel;

    public AppendParameters(IReadOnlyList<Event> events, ExpectedVersion expectedVersion, string? notifyChannel)
    {
        _events = events;
        _expectedVersion = expectedVersion;
        _notifyChannel = notifyChannel;
    }

    public void AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        var parameters = ((NpgsqlCommand)command).Parameters;
        var count = _events.Count;
        var ids = new Guid[count];
        var types = new string[count];
        var versions = new int[count];
        var payloads = new byte[count][];
        var metadata = new byte[]?[count];
        var traceIds = new string?[count];
        var correlationIds = new string?[count];
        var causationIds = new string?[count];
        var createdAt = new DateTime[count];
        for (var index = 0; index < count; index++)
        {
            var @event = _events[index];
            ids[index] = @event.EventId;
            types[index] = @event.EventType;
            versions[index] = @event.EventVersion;
            payloads[index] = @event.Payload;
            metadata[index] = @event.Metadata;
            traceIds[index] = @event.TraceId.Value;
            correlationIds[index] = @event.CorrelationId.Value;
            causationIds[index] = @event.CausationId.Value;
            createdAt[index] = @event.CreatedAt.UtcDateTime;
        }

        var first = _events[0];
        parameters.Add(new NpgsqlParameter<string>(AggregateType, NpgsqlDbType.Text) { TypedValue = first.AggregateType });
        parameters.Add(new NpgsqlParameter<string>(AggregateId, NpgsqlDbType.Text) { TypedValue = first.AggregateId });
        parameters.Add(new NpgsqlParameter<long>(Expected, NpgsqlDbType.Bigint) { TypedValue = _expectedVersion.Value });
        parameters.Add(new NpgsqlParameter<long>(EventCount, NpgsqlDbType.Bigint) { TypedValue = count });
        parameters.Add(new NpgsqlParameter<Guid[]>(EventIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = ids });
        parameters.Add(new NpgsqlParameter<string[]>(EventTypes, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = types });
        parameters.Add(new NpgsqlParameter<int[]>(EventVersions, NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = versions });
        parameters.Add(new NpgsqlParameter<byte[][]>(Payloads, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = payloads });
        parameters.Add(new NpgsqlParameter<byte[]?[]>(Metadata, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = metadata });
        parameters.Add(new NpgsqlParameter<string?[]>(TraceIds, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = traceIds });
        parameters.Add(new NpgsqlParameter<string?[]>(CorrelationIds, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = correlationIds });
        parameters.Add(new NpgsqlParameter<string?[]>(CausationIds, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = causationIds });
        parameters.Add(new NpgsqlParameter<DateTime[]>(CreatedAt, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = createdAt });
        if (_notifyChannel is not null)
        {
            parameters.Add(new NpgsqlParameter<string>(NotifyChannel, NpgsqlDbType.Text) { TypedValue = _notifyChannel });
        }
    }
}
