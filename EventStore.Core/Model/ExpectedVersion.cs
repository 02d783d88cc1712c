using System.Globalization;

namespace EventStore;

/// <summary>
/// The version an append expects its aggregate to be at, checked for optimistic concurrency.
/// </summary>
/// <remarks>
/// <para>There are three kinds: <see cref="Any"/> skips the check, <see cref="NoStream"/> requires that the
/// aggregate has no events yet, and <see cref="Exact(long)"/> requires a specific current version.</para>
/// <para><see cref="NoStream"/> and <c>Exact(0)</c> are the same value: an aggregate without events is at version 0.</para>
/// <para><c>default(ExpectedVersion)</c> is <see cref="NoStream"/>. A value that was never assigned therefore
/// makes an append to an existing aggregate fail, rather than silently switching the concurrency check off.</para>
/// </remarks>
public readonly record struct ExpectedVersion
{
    // Any is the only negative value, so that default (all zero) lands on NoStream and Exact(0) needs no special case.
    private const long AnyValue = -1;

    // AnyValue for Any, else the required version; Value reports 0 for Any, as the original store's Value() does.
    private readonly long _value;

    private ExpectedVersion(long value) => _value = value;

    /// <summary>Gets an expected version that accepts the aggregate at any version, with or without events.</summary>
    public static ExpectedVersion Any { get; } = new(AnyValue);

    /// <summary>Gets an expected version that requires the aggregate to have no events. Equal to <c>Exact(0)</c> and to <c>default</c>.</summary>
    public static ExpectedVersion NoStream { get; }

    /// <summary>
    /// Gets the version an <see cref="Exact(long)"/> expected version requires, and 0 for <see cref="NoStream"/> and
    /// <see cref="Any"/>. Since <see cref="Any"/> and <see cref="NoStream"/> share 0, check <see cref="IsAny"/> to tell them apart.
    /// </summary>
    public long Value => IsAny ? 0 : _value;

    /// <summary>Gets a value indicating whether this is <see cref="Any"/>.</summary>
    public bool IsAny => _value == AnyValue;

    /// <summary>Gets a value indicating whether this is <see cref="NoStream"/> (which includes <c>Exact(0)</c> and <c>default</c>).</summary>
    public bool IsNoStream => _value == 0;

    /// <summary>
    /// Gets a value indicating whether the aggregate must be at a specific version greater than 0.
    /// False for <c>Exact(0)</c>, because that value is <see cref="NoStream"/>.
    /// </summary>
    public bool IsExact => _value > 0;

    /// <summary>Creates an expected version that requires the aggregate to be at exactly <paramref name="version"/>.</summary>
    /// <param name="version">The aggregate version the append expects; 0 means the aggregate has no events.</param>
    /// <returns>The expected version; <see cref="NoStream"/> when <paramref name="version"/> is 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is negative.</exception>
    public static ExpectedVersion Exact(long version)
    {
        if (version < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(version),
                version,
                "An expected version cannot be negative; use ExpectedVersion.Any to skip the version check.");
        }

        return new(version);
    }

    /// <summary>Returns <c>Any</c>, <c>NoStream</c> or <c>Exact(n)</c>.</summary>
    /// <returns>The name of the expected version.</returns>
    public override string ToString() => _value switch
    {
        AnyValue => "Any",
        0 => "NoStream",
        _ => string.Create(CultureInfo.InvariantCulture, $"Exact({_value})"),
    };
}
