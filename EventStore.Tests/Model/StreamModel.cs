namespace EventStore.Tests.Model;

/// <summary>
/// The store as the README specifies it, in memory and one append at a time: a stream per aggregate, versions from 1,
/// and an expected-version check before every append.
/// </summary>
internal sealed class StreamModel
{
    private readonly Dictionary<int, List<Guid>> _streams = [];

    /// <summary>Appends when <paramref name="expected"/> holds and returns the version before the append; returns null, storing nothing, when it does not.</summary>
    public long? TryAppend(int aggregate, ExpectedVersion expected, IEnumerable<Guid> eventIds)
    {
        var stream = Stream(aggregate);
        if (!expected.IsAny && expected.Value != stream.Count)
        {
            return null;
        }

        long fromVersion = stream.Count;
        stream.AddRange(eventIds);
        return fromVersion;
    }

    /// <summary>The aggregate's event ids in version order.</summary>
    public IReadOnlyList<Guid> Events(int aggregate) => Stream(aggregate);

    private List<Guid> Stream(int aggregate)
    {
        if (!_streams.TryGetValue(aggregate, out var stream))
        {
            stream = [];
            _streams[aggregate] = stream;
        }

        return stream;
    }
}
