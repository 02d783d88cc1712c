using System.Globalization;

namespace EventStore.Dapper;

/// <summary>
/// What the frontier argument assumes of the server and the schema, as the probe read it. Each fact that does not
/// hold could let a position appear below the frontier after the processor passed it, so it stops the processor.
/// See "What the argument assumes" in docs/consumers.md.
/// </summary>
/// <param name="EventsTable">The events table, as PostgreSQL names it.</param>
/// <param name="Standby">The server is in recovery, so it sees neither the primary's writers nor its sequence.</param>
/// <param name="EventsTableKind">The events table's <c>pg_class.relkind</c>: <c>r</c> for an ordinary table, <c>p</c> for a partitioned one.</param>
/// <param name="EventsTableInherited">Another table inherits from the events table, other than a partition that is a plain table without children.</param>
/// <param name="Sequence">The sequence the position column owns, as PostgreSQL names it; null when it owns none.</param>
/// <param name="DefaultTakesSequence">The position column's default is <c>nextval</c> of that sequence (or the column is an identity).</param>
/// <param name="SequenceCache">How many values a session takes from the sequence at a time.</param>
/// <param name="SequenceIncrement">How far each value is from the one before.</param>
/// <param name="SequenceCycles">The sequence starts again at its minimum once it reaches its maximum.</param>
/// <param name="SequenceUnlogged">The sequence is unlogged, so a crash resets it.</param>
/// <param name="Subscribed">A logical replication subscription writes into the events table.</param>
internal sealed record LogFacts(
    string EventsTable,
    bool Standby,
    string? EventsTableKind,
    bool EventsTableInherited,
    string? Sequence,
    bool DefaultTakesSequence,
    long SequenceCache,
    long SequenceIncrement,
    bool SequenceCycles,
    bool SequenceUnlogged,
    bool Subscribed)
{
    /// <summary>Throws <see cref="UnsafeEventLogException"/> for the first fact that does not hold.</summary>
    public void ThrowIfUnsafe()
    {
        if (Violation() is { } violation)
        {
            throw violation;
        }
    }

    /// <summary>The refusal of a sequence whose sessions reserve more than one position at a time.</summary>
    public static UnsafeEventLogException CachedSequence(string sequence, long cacheSize)
    {
        var cache = cacheSize.ToString(CultureInfo.InvariantCulture);
        return new("sequence cache", $"The sequence {sequence} has CACHE {cache}. Each session then reserves {cache} positions " +
            "at once and may use them in a later transaction, below positions other sessions have already committed, " +
            $"so the processor would pass them and skip those events. Fix: ALTER SEQUENCE {sequence} CACHE 1 " +
            "(when it commits, every session drops the positions it reserved).");
    }

    private UnsafeEventLogException? Violation()
    {
        if (Standby)
        {
            return new("standby",
                "The consumer processor is connected to a standby (pg_is_in_recovery() is true). A standby cannot see the " +
                "transactions that write events on the primary, so it cannot tell when a position is settled. " +
                "Fix: give the processor a connection string that reaches the primary (target_session_attrs=read-write).");
        }

        if (EventsTableKind is not ("r" or "p") || EventsTableInherited)
        {
            return new("table kind",
                $"The events table {EventsTable} is inherited from, or has a partition that is not a plain table. A writer " +
                "that inserts into such a child holds no lock the processor watches, so the processor cannot see it writing. " +
                "Fix: keep the events table an ordinary table without children, or partitioned into plain tables, as the migration creates it.");
        }

        if (Sequence is null)
        {
            return new("position sequence",
                $"The global_position column of {EventsTable} owns no sequence, so the processor cannot read the last position taken. " +
                "Fix: create the table with the migration (global_position BIGSERIAL).");
        }

        if (!DefaultTakesSequence)
        {
            return new("position default",
                $"The default of {EventsTable}.global_position is not nextval('{Sequence}'), so positions may come from " +
                "somewhere the processor does not read. " +
                $"Fix: ALTER TABLE {EventsTable} ALTER COLUMN global_position SET DEFAULT nextval('{Sequence}').");
        }

        if (SequenceCache != 1)
        {
            return CachedSequence(Sequence, SequenceCache);
        }

        if (SequenceIncrement <= 0 || SequenceCycles)
        {
            var increment = SequenceIncrement.ToString(CultureInfo.InvariantCulture);
            return new("sequence order", $"The sequence {Sequence} has INCREMENT {increment}{(SequenceCycles ? " and CYCLE" : string.Empty)}, " +
                "so a new position can be below one already taken. " +
                $"Fix: ALTER SEQUENCE {Sequence} INCREMENT BY 1 NO CYCLE.");
        }

        if (SequenceUnlogged)
        {
            return new("sequence persistence",
                $"The sequence {Sequence} is unlogged, so a crash resets it and positions are taken again from the start. " +
                $"Fix: ALTER SEQUENCE {Sequence} SET LOGGED.");
        }

        if (Subscribed)
        {
            return new("subscription",
                $"A logical replication subscription writes into {EventsTable}. Its apply worker inserts the publisher's " +
                "positions, not positions from this database's sequence, so the processor cannot tell when they are settled. " +
                "Fix: run the processor against the publisher, or remove the events table from the subscription.");
        }

        return null;
    }
}
