using Npgsql;
using NpgsqlTypes;

namespace EventStore.Benchmarks;

/// <summary>
/// The per-event columns of the raw appends as arrays, one parameter each, so a batch of any size is one statement
/// with a fixed parameter list, which a prepared statement needs.
/// </summary>
internal readonly struct EventColumns
{
    private readonly Guid[] _ids;
    private readonly string[] _types;
    private readonly byte[][] _payloads;
    private readonly string[] _metadata;

    public EventColumns(IReadOnlyList<Event> events)
    {
        _ids = new Guid[events.Count];
        _types = new string[events.Count];
        _payloads = new byte[events.Count][];
        _metadata = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            _ids[i] = events[i].EventId;
            _types[i] = events[i].EventType;
            _payloads[i] = events[i].Payload;
            _metadata[i] = SampleEvents.MetadataText;
        }
    }

    /// <summary>Adds ids, types, payloads and metadata, then the creation time, in that order.</summary>
    public void AddTo(NpgsqlParameterCollection parameters, DateTimeOffset createdAt)
    {
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = _ids });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _types });
        parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = _payloads });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = createdAt });
    }
}
