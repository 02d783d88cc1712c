namespace EventStore.MigrateGen;

/// <summary>The help text, and the hint that follows every usage error.</summary>
internal static class Usage
{
    public const string Hint = "Run 'migrate-gen --help' for usage.";

    public const string Text = """
        Usage: migrate-gen [flags]

        Writes the SQL migration that creates the EventStore for .NET tables.

        Flags:
          -output <folder>               folder to write into, created if missing (default "migrations")
          -filename <name>               file name (default "yyyyMMddHHmmss_init_event_sourcing.sql", UTC)
          -events-table <name>           events table, "table" or "schema.table" (default "events")
          -aggregate-heads-table <name>  aggregate heads table, "table" or "schema.table" (default "aggregate_heads")
          -checkpoints-table <name>      consumer checkpoints table, "table" or "schema.table" (default "consumer_checkpoints")
          -partition-size <positions>    partition the events table by position, this many per partition, with
                                         a key table and a function that makes partitions ahead (default: one plain table)
          --force                        overwrite an existing file; without it an existing file is never overwritten
          -h, --help                     print this help

        Every flag may be written with one or two dashes, and takes its value as the next argument or as -flag=value.
        """;
}
