namespace EventStore.Tests.Store;

/// <summary>
/// Text exactly at the byte limits of <see cref="EventLimits"/>, built from multi-byte characters so that a check that
/// counted characters instead of UTF-8 bytes would let the over-long variants through.
/// </summary>
internal static class LimitText
{
    /// <summary>64 four-byte emoji, each a surrogate pair: 256 bytes in 128 chars.</summary>
    public static readonly string TypeName = string.Concat(Enumerable.Repeat("\U0001F600", EventLimits.MaxTypeNameBytes / 4));

    /// <summary>341 three-byte euro signs and one ASCII letter: 1,024 bytes in 342 chars.</summary>
    public static readonly string ThreeByteId = string.Concat(Enumerable.Repeat("€", EventLimits.MaxIdBytes / 3)) + "e";

    /// <summary>512 two-byte letters: 1,024 bytes in 512 chars.</summary>
    public static readonly string TwoByteId = new('é', EventLimits.MaxIdBytes / 2);

    /// <summary>1,024 ASCII letters.</summary>
    public static readonly string AsciiId = new('i', EventLimits.MaxIdBytes);

    /// <summary>256 ASCII letters.</summary>
    public static readonly string AsciiTypeName = new('t', EventLimits.MaxTypeNameBytes);

    /// <summary>The text with one more byte, one past its limit.</summary>
    public static string OneByteOver(string atLimit) => atLimit + "x";
}
