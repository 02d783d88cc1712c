using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// Binds one append as column arrays, so a batch of any size is one statement and one round trip. Parameters are
/// typed explicitly, so nothing is inferred and values are not boxed.
/// </summary>
/// <remarks>
/// The placeholders are positional: Npgsql sends such a statement as it is, where named placeholders make it parse and
/// rewrite the whole statement on every call. <see cref="Bind"/> adds the values in placeholder order.
/// </remarks>
internal static class AppendParameters
{
    public const string AggregateType = "$1";
    public const string AggregateId = "$2";
    public const string Expected = "$3";
    public const string EventCount = "$4";
    public const string EventIds = "$5";
    public const string EventTypes = "$6";
    public const string EventVersions = "$7";
    public const string Payloads = "$8";
    public const string Metadata = "$9";
    public const string TraceIds = "$10";
    public const string CorrelationIds = "$11";
    public const string CausationIds = "$12";
    public const string CreatedAt = "$13";
    public const string NotifyChannel = "$14";

    public static void Bind(NpgsqlParameterCollection parameters, IReadOnlyList<Event> events, ExpectedVersion expectedVersion, string? notifyChannel)
    {
        var count = events.Count;
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
            var @event = events[index];
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

        var first = events[0];
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = first.AggregateType });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = first.AggregateId });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = expectedVersion.Value });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = count });
        parameters.Add(new NpgsqlParameter<Guid[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, TypedValue = ids });
        parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = types });
        parameters.Add(new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = versions });
        parameters.Add(new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = payloads });
        parameters.Add(new NpgsqlParameter<byte[]?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = metadata });
        parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = traceIds });
        parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = correlationIds });
        parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = causationIds });
        parameters.Add(new NpgsqlParameter<DateTime[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, TypedValue = createdAt });
        if (notifyChannel is not null)
        {
            parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = notifyChannel });
        }
    }
}
