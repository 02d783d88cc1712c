namespace EventStore.Benchmarks;

/// <summary>The benchmark methods' names as the report and the charts show them, in the order they are listed.</summary>
internal static class ContenderNames
{
    public const string Ours = "Ours";
    public const string OursNotPrepared = "OursNotPrepared";
    public const string OursViaPgBouncer = "OursViaPgBouncer";

    public static readonly string[] Methods = [Ours, OursNotPrepared, OursViaPgBouncer, "RawTwoTables", "RawSingleTable", "RawNpgsql", "Marten"];

    public static string Display(string method) => method switch
    {
        OursNotPrepared => "Ours, not prepared",
        OursViaPgBouncer => "Ours via PgBouncer",
        "RawTwoTables" => "Raw two tables",
        "RawSingleTable" => "Raw single table",
        "RawNpgsql" => "Raw Npgsql",
        _ => method,
    };
}
