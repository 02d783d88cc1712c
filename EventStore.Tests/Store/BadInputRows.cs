using System.Data;
using EventStore.Dapper;
using EventStore.Tests.Core;
using Npgsql;

namespace EventStore.Tests.Store;

/// <summary>The rows of the bad-input matrix, one per case, grouped by the call they exercise.</summary>
internal static class BadInputRows
{
    private const string Order = "Order";
    private const string Blank = "null, empty or whitespace";
    private const string EmptyArgument = "The value cannot be an empty string";
    private const string NullArgument = "Value cannot be null";
    private const string Negative = "cannot be negative";
    private const string CompletedTransaction = "begin a new transaction";

    /// <summary>The text fields of an event: how to set each, and a value one byte over its limit with that message.</summary>
    private static readonly (string Field, Func<Event, string?, Event> Set, string OverLimit, string OverLimitMessage)[] TextFields =
    [
        ("AggregateType", (e, value) => e with { AggregateType = value! }, LimitText.OneByteOver(LimitText.TypeName), "is 257 UTF-8 bytes long, over the limit of 256 bytes"),
        ("AggregateId", (e, value) => e with { AggregateId = value! }, LimitText.OneByteOver(LimitText.ThreeByteId), "is 1025 UTF-8 bytes long, over the limit of 1024 bytes"),
        ("EventType", (e, value) => e with { EventType = value! }, LimitText.OneByteOver(LimitText.AsciiTypeName), "is 257 UTF-8 bytes long, over the limit of 256 bytes"),
        ("TraceId", (e, value) => e with { TraceId = value }, LimitText.OneByteOver(LimitText.TwoByteId), "is 1025 UTF-8 bytes long, over the limit of 1024 bytes"),
        ("CorrelationId", (e, value) => e with { CorrelationId = value }, LimitText.OneByteOver(LimitText.AsciiId), "is 1025 UTF-8 bytes long, over the limit of 1024 bytes"),
        ("CausationId", (e, value) => e with { CausationId = value }, LimitText.OneByteOver(LimitText.AsciiId), "is 1025 UTF-8 bytes long, over the limit of 1024 bytes"),
    ];

    /// <summary>Every call that takes a transaction, with valid other arguments.</summary>
    private static readonly (string Name, Func<PostgresEventStore, IDbTransaction, Task> Call)[] TransactionCalls =
    [
        ("append", (store, transaction) => store.AppendAsync(transaction, ExpectedVersion.Any, [TestEvents.Valid(Order, NewId())])),
        ("read stream", (store, transaction) => store.ReadAggregateStreamAsync(transaction, Order, NewId())),
        ("read log", (store, transaction) => store.ReadEventsAsync(transaction, 0, 10)),
        ("latest position", (store, transaction) => store.GetLatestGlobalPositionAsync(transaction)),
    ];

    /// <summary>The configurable names, and options with one of them set.</summary>
    private static readonly (string Setting, Func<string, EventStoreOptions> With)[] Settings =
    [
        ("EventsTable", name => new EventStoreOptions { EventsTable = name }),
        ("AggregateHeadsTable", name => new EventStoreOptions { AggregateHeadsTable = name }),
        ("CheckpointsTable", name => new EventStoreOptions { CheckpointsTable = name }),
        ("NotifyChannel", name => new EventStoreOptions { NotifyChannel = name }),
    ];

    // Declared after the tables above: static fields are initialised in the order they are written.
    public static IReadOnlyList<BadInputRow> All { get; } =
        [.. AppendRows(), .. StreamReadRows(), .. LogReadRows(), .. TransactionRows(), .. OptionsRows()];

    private static IEnumerable<BadInputRow> AppendRows()
    {
        foreach (var (field, set, overLimit, overLimitMessage) in TextFields)
        {
            if (field is "AggregateType" or "AggregateId" or "EventType")
            {
                yield return EventRow($"append {field} null", field, Blank, e => set(e, null));
                yield return EventRow($"append {field} empty", field, Blank, e => set(e, ""));
                yield return EventRow($"append {field} whitespace", field, Blank, e => set(e, " \t "));
            }

            yield return EventRow($"append {field} one byte over its limit", field, overLimitMessage, e => set(e, overLimit));
            yield return EventRow($"append {field} with U+0000", field, "contains U+0000 at position 3", e => set(e, "abc\0def"));
        }

        yield return EventRow("append AggregateId with a lone high surrogate", "AggregateId",
            "lone UTF-16 surrogate U+D83D at position 2", e => e with { AggregateId = "ab\uD83Dcd" });
        yield return EventRow("append EventType with a lone low surrogate", "EventType",
            "lone UTF-16 surrogate U+DE00 at position 0", e => e with { EventType = "\uDE00Placed" });
        yield return EventRow("append CorrelationId ending in a high surrogate", "CorrelationId",
            "lone UTF-16 surrogate U+D83D at position 3", e => e with { CorrelationId = "abc\uD83D" });
        yield return EventRow("append Payload null", "Payload", "null Payload", e => e with { Payload = null! });
        yield return EventRow("append Metadata not JSON", "Metadata", "cannot store as jsonb", e => e with { Metadata = "{"u8.ToArray() });
        yield return EventRow("append EventVersion 0", "EventVersion 0", "versions start at 1", e => e with { EventVersion = 0 });
        yield return EventRow("append EventVersion negative", "EventVersion -1", "versions start at 1", e => e with { EventVersion = -1 });
        yield return EventRow("append CreatedAt default", "CreatedAt", "set it to the time the event happened", e => e with { CreatedAt = default });
        yield return EventRow("append EventId empty", "EventId", "has an empty EventId", e => e with { EventId = Guid.Empty });

        var repeated = TestEvents.Valid(Order, NewId());
        yield return new("append the same EventId twice", typeof(DuplicateEventException), $"Event id {repeated.EventId}",
            "occurs twice in one append, at indexes 0 and 2",
            Append(repeated, TestEvents.Valid(Order, repeated.AggregateId), TestEvents.Valid(Order, repeated.AggregateId) with { EventId = repeated.EventId }));
        var first = TestEvents.Valid(Order, NewId());
        yield return new("append events of another aggregate id", typeof(ArgumentException), "events", "an append targets a single aggregate",
            Append(first, TestEvents.Valid(Order, NewId())));
        yield return new("append events of another aggregate type", typeof(ArgumentException), "events", "an append targets a single aggregate",
            Append(first, TestEvents.Valid("Invoice", first.AggregateId)));
        yield return new("append a null event in the list", typeof(ArgumentNullException), "events", "The event at index 1 is null",
            Append(first, null!));
        yield return new("append a null list", typeof(ArgumentNullException), "events", NullArgument,
            (store, transaction) => store.AppendAsync(transaction, ExpectedVersion.Any, null!));
        yield return new("append an empty list", typeof(ArgumentException), "events", "needs at least one event", Append());
    }

    private static IEnumerable<BadInputRow> StreamReadRows()
    {
        yield return ReadStreamRow("read stream aggregateType null", typeof(ArgumentNullException), "aggregateType", NullArgument, null!, "42");
        yield return ReadStreamRow("read stream aggregateType empty", typeof(ArgumentException), "aggregateType", EmptyArgument, "", "42");
        yield return ReadStreamRow("read stream aggregateType whitespace", typeof(ArgumentException), "aggregateType", EmptyArgument, "   ", "42");
        yield return ReadStreamRow("read stream aggregateType with U+0000", typeof(ArgumentException), "aggregateType",
            "contains U+0000 at position 3", "Ord\0er", "42");
        yield return ReadStreamRow("read stream aggregateType with a lone surrogate", typeof(ArgumentException), "aggregateType",
            "lone UTF-16 surrogate U+D800 at position 5", "Order\uD800", "42");
        yield return ReadStreamRow("read stream aggregateType one byte over its limit", typeof(ArgumentException), "aggregateType",
            "is 257 UTF-8 bytes long, over the limit of 256 bytes", LimitText.OneByteOver(LimitText.TypeName), "42");
        yield return ReadStreamRow("read stream aggregateId null", typeof(ArgumentNullException), "aggregateId", NullArgument, Order, null!);
        yield return ReadStreamRow("read stream aggregateId empty", typeof(ArgumentException), "aggregateId", EmptyArgument, Order, "");
        yield return ReadStreamRow("read stream aggregateId tab", typeof(ArgumentException), "aggregateId", EmptyArgument, Order, "\t");
        yield return ReadStreamRow("read stream aggregateId with U+0000", typeof(ArgumentException), "aggregateId",
            "contains U+0000 at position 0", Order, "\0");
        yield return ReadStreamRow("read stream aggregateId with a lone surrogate", typeof(ArgumentException), "aggregateId",
            "lone UTF-16 surrogate U+DFFF at position 1", Order, "a\uDFFF");
        yield return ReadStreamRow("read stream aggregateId one byte over its limit", typeof(ArgumentException), "aggregateId",
            "is 1025 UTF-8 bytes long, over the limit of 1024 bytes", Order, LimitText.OneByteOver(LimitText.ThreeByteId));
        yield return VersionRow("read stream fromVersion -1", "fromVersion", Negative, -1, null);
        yield return VersionRow("read stream fromVersion long.MinValue", "fromVersion", Negative, long.MinValue, null);
        yield return VersionRow("read stream fromVersion -5 to 3", "fromVersion", Negative, -5, 3);
        yield return VersionRow("read stream toVersion -1", "toVersion", Negative, null, -1);
        yield return VersionRow("read stream fromVersion 4 above toVersion 2", "fromVersion", "fromVersion 4 is above toVersion 2", 4, 2);
    }

    private static IEnumerable<BadInputRow> LogReadRows()
    {
        yield return LogRow("read log limit 0", "limit", "must be greater than or equal to '1'", 0, 0);
        yield return LogRow("read log limit -1", "limit", "must be greater than or equal to '1'", 0, -1);
        yield return LogRow("read log limit int.MinValue", "limit", "must be greater than or equal to '1'", 0, int.MinValue);
        yield return LogRow("read log limit one above MaxReadLimit", "limit", "must be less than or equal to '100000'", 0, PostgresEventStore.MaxReadLimit + 1);
        yield return LogRow("read log limit int.MaxValue", "limit", "must be less than or equal to '100000'", 0, int.MaxValue);
        yield return LogRow("read log fromPosition -1", "fromPosition", "must be a non-negative value", -1, 10);
        yield return LogRow("read log fromPosition long.MinValue", "fromPosition", "must be a non-negative value", long.MinValue, 10);
    }

    private static IEnumerable<BadInputRow> TransactionRows()
    {
        foreach (var (name, call) in TransactionCalls)
        {
            yield return new($"{name} on a null transaction", typeof(ArgumentNullException), "transaction", NullArgument,
                (store, _) => call(store, null!));
            yield return new($"{name} on a transaction of another provider", typeof(ArgumentException), "transaction", "needs an NpgsqlTransaction",
                (store, _) => call(store, new ForeignTransaction()));
            yield return new($"{name} on a committed transaction", typeof(InvalidOperationException), "transaction", CompletedTransaction,
                (store, transaction) => call(store, transaction), transaction => transaction.CommitAsync());
            yield return new($"{name} on a rolled back transaction", typeof(InvalidOperationException), "transaction", CompletedTransaction,
                (store, transaction) => call(store, transaction), transaction => transaction.RollbackAsync());
            yield return new($"{name} on a disposed transaction", typeof(InvalidOperationException), "transaction", CompletedTransaction,
                (store, transaction) => call(store, transaction), transaction => transaction.DisposeAsync().AsTask());
            yield return new($"{name} on a transaction whose connection is closed", typeof(InvalidOperationException), "transaction", CompletedTransaction,
                (store, transaction) => call(store, transaction), transaction => transaction.Connection!.CloseAsync());
        }
    }

    private static IEnumerable<BadInputRow> OptionsRows()
    {
        string[] injections = ["events; DROP TABLE events", "\"events\"", "events--"];
        foreach (var (setting, with) in Settings)
        {
            foreach (var injection in injections)
            {
                var options = with(injection);
                yield return new($"new PostgresEventStore with {setting} {injection}", typeof(ArgumentException), setting, $"'{injection}'",
                    (_, _) => Construct(() => new PostgresEventStore(options)));
                yield return new($"new SqlDialect with {setting} {injection}", typeof(ArgumentException), setting, $"'{injection}'",
                    (_, _) => Construct(() => new SqlDialect(options)));
            }

            var tooLong = with(new string('n', 64));
            yield return new($"new PostgresEventStore with {setting} of 64 bytes", typeof(ArgumentException), setting, "longer than 63 bytes",
                (_, _) => Construct(() => new PostgresEventStore(tooLong)));
        }
    }

    private static string NewId() => AppendTestSupport.NewAggregateId();

    /// <summary>A two-event append whose second event is spoilt, so that the first is checked and passes.</summary>
    private static BadInputRow EventRow(string name, string field, string fragment, Func<Event, Event> spoil)
    {
        var id = NewId();
        return new(name, typeof(ArgumentException), field, fragment, Append(TestEvents.Valid(Order, id), spoil(TestEvents.Valid(Order, id))));
    }

    private static Func<PostgresEventStore, NpgsqlTransaction, Task> Append(params Event[] events) =>
        (store, transaction) => store.AppendAsync(transaction, ExpectedVersion.Any, events);

    private static BadInputRow ReadStreamRow(string name, Type exception, string parameter, string fragment, string aggregateType, string aggregateId) =>
        new(name, exception, parameter, fragment, (store, transaction) => store.ReadAggregateStreamAsync(transaction, aggregateType, aggregateId));

    private static BadInputRow VersionRow(string name, string parameter, string fragment, long? fromVersion, long? toVersion) =>
        new(name, typeof(ArgumentOutOfRangeException), parameter, fragment,
            (store, transaction) => store.ReadAggregateStreamAsync(transaction, Order, NewId(), fromVersion, toVersion));

    private static BadInputRow LogRow(string name, string parameter, string fragment, long fromPosition, int limit) =>
        new(name, typeof(ArgumentOutOfRangeException), parameter, fragment,
            (store, transaction) => store.ReadEventsAsync(transaction, fromPosition, limit));

    private static Task Construct(Func<object> build)
    {
        build();
        return Task.CompletedTask;
    }
}
