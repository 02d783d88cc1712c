using System.Text;
using EventStore.Examples.EventMapCodegen.Mapping;
using EventStore.Tests.Store;
using V1 = EventStore.Examples.EventMapCodegen.Domain.V1;
using V2 = EventStore.Examples.EventMapCodegen.Domain.V2;

namespace EventStore.Tests.EventMap.RoundTrip;

/// <summary>Domain events through the generated mapper, the real store and back.</summary>
public sealed class EventMapRoundTripTests : StoreFixture
{
    private const string User = "User";

    [Test]
    public async Task A_version_1_event_reads_back_as_the_version_1_record()
    {
        var id = NewUserId();
        var registered = new V1.UserRegistered(id, "ada@example.com");

        var persisted = await AppendAndReadAsync(id, registered);

        var stored = persisted.ShouldHaveSingleItem();
        stored.EventType.ShouldBe("UserRegistered");
        stored.EventVersion.ShouldBe(1);
        Encoding.UTF8.GetString(stored.Payload).ShouldBe($$"""{"userId":"{{id}}","email":"ada@example.com"}""");
        UserEventMapper.FromStoreEvent(stored).ShouldBe(registered);
    }

    [Test]
    public async Task A_version_2_event_reads_back_as_the_version_2_record()
    {
        var id = NewUserId();
        var registered = new V2.UserRegistered(id, "ada@example.com", "NL", new DateTimeOffset(2024, 5, 1, 12, 30, 15, 123, TimeSpan.FromHours(2)));

        var stored = (await AppendAndReadAsync(id, registered)).ShouldHaveSingleItem();

        stored.EventType.ShouldBe("UserRegistered");
        stored.EventVersion.ShouldBe(2);
        UserEventMapper.FromStoreEvent(stored).ShouldBe(registered);
    }

    [Test]
    public async Task A_stream_that_mixes_versions_maps_each_event_by_type_and_version()
    {
        var id = NewUserId();
        object[] history =
        [
            new V1.UserRegistered(id, "ada@old.example"),
            new V1.UserEmailChanged(id, "ada@new.example"),
            new V1.UserDeleted(id, "moving"),
            new V2.UserRegistered(id, "ada@new.example", "NL", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)),
        ];

        var persisted = await AppendAndReadAsync(id, history);

        persisted.Select(stored => (stored.EventType, stored.EventVersion)).ShouldBe(
            [("UserRegistered", 1), ("UserEmailChanged", 1), ("UserDeleted", 1), ("UserRegistered", 2)]);
        UserEventMapper.FromStoreEvents<object>(persisted).ShouldBe(history);
    }

    [Test]
    public async Task An_unknown_event_type_is_an_error_naming_the_type_and_version()
    {
        var id = NewUserId();
        var stored = await AppendRawAndReadAsync(id, "UserSuspended", eventVersion: 1);

        var error = Should.Throw<UnknownEventException>(() => UserEventMapper.FromStoreEvent(stored));

        error.EventType.ShouldBe("UserSuspended");
        error.EventVersion.ShouldBe(1);
        error.Message.ShouldContain("'UserSuspended'");
        error.Message.ShouldContain("version 1");
    }

    [Test]
    public async Task An_unknown_version_of_a_known_type_is_an_error_naming_both_and_the_known_versions()
    {
        var id = NewUserId();
        var stored = await AppendRawAndReadAsync(id, "UserRegistered", eventVersion: 3);

        var error = Should.Throw<UnknownEventException>(() => UserEventMapper.FromStoreEvent(stored));

        error.EventType.ShouldBe("UserRegistered");
        error.EventVersion.ShouldBe(3);
        error.Message.ShouldContain("version 3");
        error.Message.ShouldContain("'UserRegistered'");
        error.Message.ShouldContain("1, 2");
    }

    [Test]
    public async Task Reading_as_a_type_that_an_event_is_not_names_its_index_and_type()
    {
        var id = NewUserId();
        var persisted = await AppendAndReadAsync(id, new V1.UserEmailChanged(id, "a@example.com"), new V1.UserDeleted(id, "bye"));

        var error = Should.Throw<InvalidCastException>(() => UserEventMapper.FromStoreEvents<V1.UserEmailChanged>(persisted));

        error.Message.ShouldContain("Stored event 1 ('UserDeleted' version 1)");
        error.Message.ShouldContain(nameof(V1.UserEmailChanged));
    }

    [Test]
    public async Task Every_option_reaches_the_store_and_reads_back()
    {
        var id = NewUserId();
        var now = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero);
        var options = new EventMapOptions
        {
            CausationId = "command-7",
            CorrelationId = "signup-42",
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            Metadata = """{"tenant": "acme"}"""u8.ToArray(),
            TimeProvider = new FixedClock(now),
        };

        var stored = (await AppendAndReadAsync(id, options, new V1.UserRegistered(id, "ada@example.com"))).ShouldHaveSingleItem();

        stored.CausationId.ShouldBe(new NullString("command-7"));
        stored.CorrelationId.ShouldBe(new NullString("signup-42"));
        stored.TraceId.ShouldBe(new NullString("4bf92f3577b34da6a3ce929d0e0e4736"));
        Encoding.UTF8.GetString(stored.Metadata!).ShouldBe("""{"tenant": "acme"}""");
        stored.CreatedAt.ShouldBe(now);
    }

    [Test]
    public async Task Without_options_metadata_is_an_empty_object_and_the_ids_are_not_set()
    {
        var id = NewUserId();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var stored = (await AppendAndReadAsync(id, new V1.UserRegistered(id, "ada@example.com"))).ShouldHaveSingleItem();

        Encoding.UTF8.GetString(stored.Metadata!).ShouldBe("{}");
        stored.CausationId.ShouldBe(NullString.Null);
        stored.CorrelationId.ShouldBe(NullString.Null);
        stored.TraceId.ShouldBe(NullString.Null);
        stored.CreatedAt.ShouldBeGreaterThan(before);
    }

    [Test]
    public void A_batch_gets_distinct_event_ids_and_one_creation_time()
    {
        var id = NewUserId();

        var events = UserEventMapper.ToStoreEvents(User, id, [new V1.UserEmailChanged(id, "a@example.com"), new V1.UserDeleted(id, "bye")]);

        events.Select(e => e.EventId).Distinct().Count().ShouldBe(2);
        events.Select(e => e.CreatedAt).Distinct().ShouldHaveSingleItem();
        events.ShouldAllBe(e => e.AggregateType == User && e.AggregateId == id);
    }

    [Test]
    public void The_event_type_leaves_out_the_version_and_the_version_comes_from_the_namespace()
    {
        UserEventMapper.EventTypeOf(new V1.UserRegistered("u", "e")).ShouldBe("UserRegistered");
        UserEventMapper.EventTypeOf(new V2.UserRegistered("u", "e", "NL", DateTimeOffset.UnixEpoch)).ShouldBe("UserRegistered");
        UserEventMapper.EventVersionOf(new V1.UserRegistered("u", "e")).ShouldBe(1);
        UserEventMapper.EventVersionOf(new V2.UserRegistered("u", "e", "NL", DateTimeOffset.UnixEpoch)).ShouldBe(2);
    }

    [Test]
    public void An_object_that_is_not_a_domain_event_of_the_mapper_is_rejected_naming_its_type()
    {
        var error = Should.Throw<ArgumentException>(() => UserEventMapper.ToStoreEvent(User, "u", new Uri("https://example.com")));

        error.Message.ShouldContain(nameof(Uri));
    }

    private static string NewUserId() => $"user-{Guid.NewGuid():N}";

    private Task<IReadOnlyList<PersistedEvent>> AppendAndReadAsync(string id, params object[] domainEvents) =>
        AppendAndReadAsync(id, options: null, domainEvents);

    private async Task<IReadOnlyList<PersistedEvent>> AppendAndReadAsync(string id, EventMapOptions? options, params object[] domainEvents)
    {
        await Db.AppendAsync(ExpectedVersion.NoStream, [.. UserEventMapper.ToStoreEvents(User, id, domainEvents, options)]);
        return (await Db.ReadStreamAsync(User, id)).Events;
    }

    private async Task<PersistedEvent> AppendRawAndReadAsync(string id, string eventType, int eventVersion)
    {
        await Db.AppendAsync(ExpectedVersion.NoStream, new Event
        {
            AggregateType = User,
            AggregateId = id,
            EventId = Guid.NewGuid(),
            EventType = eventType,
            EventVersion = eventVersion,
            Payload = """{"userId": "x"}"""u8.ToArray(),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        return (await Db.ReadStreamAsync(User, id)).Events.ShouldHaveSingleItem();
    }
}
