using System.Globalization;

namespace EventStore.Benchmarks;

/// <summary>
/// The growth run's switches: <c>--growth</c> runs it instead of the scenarios; <c>--growth-sizes 0,100000,300000</c>
/// validates it on small logs; <c>--growth-fsync on|off|both</c> picks the servers, fsync on (what users run) by default,
/// since both would take well over an hour at the default sizes; <c>--growth-partition-size</c> makes
/// partitions small enough that a small log still spans several.
/// </summary>
internal sealed record GrowthOptions(IReadOnlyList<long> Sizes, IReadOnlyList<bool> DurableModes, long PartitionSize)
{
    public const string Switch = "--growth";

    /// <summary>Draws the charts and the report section again from docs/benchmarks/growth.json, measuring nothing.</summary>
    public const string RenderSwitch = "--growth-render";

    public static readonly IReadOnlyList<long> DefaultSizes = [0, 1_000_000, 10_000_000];

    public const long DefaultPartitionSize = 1_000_000;

    /// <exception cref="ArgumentException">A value is malformed, or the sizes do not grow.</exception>
    public static GrowthOptions Parse(IReadOnlyList<string> args)
    {
        var sizes = Value(args, "--growth-sizes")?.Split(',').Select(Number).ToList() ?? [.. DefaultSizes];
        if (sizes.Count < 2 || sizes.Zip(sizes.Skip(1)).Any(pair => pair.First >= pair.Second) || sizes[0] < 0)
        {
            throw new ArgumentException("--growth-sizes needs two or more log sizes in events, growing, such as 0,1000000,10000000.");
        }

        IReadOnlyList<bool> modes = Value(args, "--growth-fsync") switch
        {
            null or "on" => [true],
            "off" => [false],
            "both" => [true, false],
            var other => throw new ArgumentException($"--growth-fsync is on, off or both, not {other}."),
        };
        var partitionSize = Value(args, "--growth-partition-size") is { } size ? Number(size) : DefaultPartitionSize;
        return partitionSize > 0 ? new GrowthOptions(sizes, modes, partitionSize)
            : throw new ArgumentException("--growth-partition-size must be above zero.");
    }

    private static string? Value(IReadOnlyList<string> args, string name) =>
        args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault();

    private static long Number(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
