namespace EventStore;

/// <summary>
/// An optional string, such as a trace id, that distinguishes "not set" (<see langword="null"/>) from a value.
/// </summary>
/// <remarks>
/// <c>default(NullString)</c> is <see cref="Null"/>. An empty string is a value: <see cref="HasValue"/> is true for it.
/// </remarks>
/// <param name="Value">The string, or <see langword="null"/> when not set.</param>
public readonly record struct NullString(string? Value)
{
    /// <summary>Gets the instance without a value.</summary>
    public static NullString Null { get; }

    /// <summary>Gets a value indicating whether <see cref="Value"/> is not <see langword="null"/>.</summary>
    public bool HasValue => Value is not null;

    /// <summary>Wraps a string; <see langword="null"/> becomes <see cref="Null"/>.</summary>
    /// <param name="value">The string to wrap.</param>
    public static implicit operator NullString(string? value) => new(value);

    /// <summary>Returns the value, or an empty string when there is none.</summary>
    /// <returns>The value or an empty string.</returns>
    public override string ToString() => Value ?? string.Empty;
}
