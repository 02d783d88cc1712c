using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace EventStore.Dapper;

/// <summary>
/// Checks that each event's metadata is one JSON value that PostgreSQL's jsonb can store, before the append is sent,
/// so the error names the event instead of aborting the caller's transaction with a bare cast error.
/// </summary>
internal static class JsonMetadata
{
    // Deep enough for any real metadata; the reader's default of 64 would refuse documents jsonb accepts.
    private const int MaxDepth = 1_000;

    /// <exception cref="ArgumentException">An event's metadata is not valid UTF-8 JSON, or holds what jsonb cannot store.</exception>
    public static void Validate(IReadOnlyList<Event> events)
    {
        for (var index = 0; index < events.Count; index++)
        {
            var metadata = events[index].Metadata;
            if (metadata is not null && Problem(metadata) is { } problem)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"The event at index {index} (id {events[index].EventId}) has Metadata that PostgreSQL cannot store as jsonb: {problem}"),
                    nameof(events));
            }
        }
    }

    private static string? Problem(byte[] metadata)
    {
        // The JSON reader checks the structure, but not the UTF-8 inside string values.
        if (!Utf8.IsValid(metadata))
        {
            return "it is not valid UTF-8.";
        }

        var reader = new Utf8JsonReader(metadata, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && EscapeProblem(ref reader) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }
        catch (JsonException exception)
        {
            return exception.Message;
        }
    }

    /// <summary>jsonb refuses two escapes that JSON allows: <c>\u0000</c> and a lone UTF-16 surrogate.</summary>
    private static string? EscapeProblem(ref Utf8JsonReader reader)
    {
        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "a string escapes a lone UTF-16 surrogate.";
        }

        return value.Contains('\0', StringComparison.Ordinal) ? "a string contains \\u0000." : null;
    }
}
