namespace EventStore.Benchmarks;

/// <summary>The benchmark methods' names as the report and the charts show them, in the order they are listed.</summary>
internal static class ContenderNames
{
    public const string Ours = "Ours";

    public static readonly string[] Methods = [Ours, "RawTwoTables", "RawSingleTable", "RawNpgsql", "Marten"];

    public static string Display(string method) => method switch
    {
        "RawTwoTables" => "Raw two tables",
        "RawSingleTable" => "Raw single table",
        "RawNpgsql" => "Raw Npgsql",
        _ => method,
    };
}
