using System.Globalization;
using System.Runtime.CompilerServices;

namespace EventStore;

/// <summary>
/// Checks a string that the store writes to a PostgreSQL <c>text</c> column or compares with one. PostgreSQL text
/// cannot hold U+0000, a lone UTF-16 surrogate has no UTF-8 encoding, and an over-long value would not fit an index.
/// </summary>
internal static class StoredText
{
    /// <summary>Describes what is wrong with <paramref name="value"/>, or returns <see langword="null"/> when it can be stored.</summary>
    /// <returns>A clause that completes "it ...", naming the position or the byte count and the limit.</returns>
    public static string? DescribeProblem(string value, int maxBytes)
    {
        // One pass without allocating: the message is only built on failure.
        var bytes = 0;
        for (var position = 0; position < value.Length; position++)
        {
            var character = value[position];
            if (character == '\0')
            {
                return Format($"contains U+0000 at position {position}, which PostgreSQL text cannot store.");
            }

            if (!char.IsSurrogate(character))
            {
                bytes += character < 0x80 ? 1 : character < 0x800 ? 2 : 3;
            }
            else if (char.IsHighSurrogate(character) && position + 1 < value.Length && char.IsLowSurrogate(value[position + 1]))
            {
                bytes += 4;
                position++;
            }
            else
            {
                return Format($"contains a lone UTF-16 surrogate U+{(int)character:X4} at position {position}, which has no UTF-8 encoding.");
            }
        }

        return bytes > maxBytes
            ? Format($"is {bytes} UTF-8 bytes long, over the limit of {maxBytes} bytes that keeps index entries within PostgreSQL's limit.")
            : null;
    }

    /// <summary>Checks a method argument the same way.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is empty or whitespace, or cannot be stored.</exception>
    public static void ThrowIfInvalidArgument(
        string value, int maxBytes, [CallerArgumentExpression(nameof(value))] string? parameterName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (DescribeProblem(value, maxBytes) is { } problem)
        {
            throw new ArgumentException($"{parameterName} is invalid: it {problem}", parameterName);
        }
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
