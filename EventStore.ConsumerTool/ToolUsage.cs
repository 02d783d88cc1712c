namespace EventStore.ConsumerTool;

/// <summary>The help text, and the hint that follows every usage error.</summary>
internal static class ToolUsage
{
    public const string Hint = "Run 'eventstore-consumers --help' for usage.";

    public const string Text = """
        Usage: eventstore-consumers <command> [flags]

        Operates the consumers of an EventStore for .NET database. Safe while processor instances run.

        Commands:
          status   where each consumer stands and why: checkpoint, safe frontier, lag in positions and in time,
                   the instance holding it, the transaction holding it back, failures and stops
          reset    moves a consumer's checkpoint (-to 0 rebuilds it), taking its lease from the instance holding it;
                   clear its read model yourself, or rebuild under a new name and switch (docs/consumers.md)
          resume   runs again a consumer that stopped on an event its handler could not handle
          remove   deletes a retired consumer's checkpoint, so that archival no longer waits for it

        Flags:
          -connection <string>         Npgsql connection string (default: the EVENTSTORE_CONNECTION variable)
          -consumer <name>             the consumer, as declared; a partitioned one acts on every partition
                                       (required by reset, resume and remove; status shows every consumer without it)
          -to <position>               reset: the new checkpoint; the consumer next handles the events after it
          -json                        status: print JSON instead of text
          -events-table <name>         events table, "table" or "schema.table" (default "events")
          -checkpoints-table <name>    consumer checkpoints table, "table" or "schema.table" (default "consumer_checkpoints")
          -h, --help                   print this help

        Every flag may be written with one or two dashes, and takes its value as the next argument or as -flag=value.
        Exit codes: 0 done, 1 refused or failed (nothing changed), 2 usage error.
        """;
}
