using System.Text;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>What the generated users mapper does when called, compiled and loaded from the snippets.</summary>
public sealed class GeneratedMapperBehaviourTests
{
    private const string RegisteredV2Json = """{"UserId":"u-1","Email":"a@example.com","Country":"NL","RegisteredAt":"2024-05-01T12:00:00+00:00"}""";
    private const string RegisteredV1Json = """{"UserId":"u-1","Email":"a@example.com"}""";
    private const string EmailChangedJson = """{"UserId":"u-1","NewEmail":"b@example.com"}""";

    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<CompiledMapper> Users = new(() =>
        CompiledMapper.Load(GeneratorHarness.Run(UsersModel.All).Output, "Users.UserEventMapper"));

    [Test]
    public void A_stored_event_reads_back_as_its_versioned_type_and_converts_to_the_same_store_event()
    {
        var domainEvent = Users.Value.Call<object>("FromStoreEvent", Stored("UserRegistered", 2, RegisteredV2Json));
        var options = new EventMapOptions { CorrelationId = "c-1", CausationId = "k-1", TraceId = "t-1", TimeProvider = new SteppingTimeProvider(Start) };

        var storeEvent = Users.Value.Call<Event>("ToStoreEvent", "User", "u-1", domainEvent, options);

        domainEvent.GetType().FullName.ShouldBe("Users.Events.V2.UserRegistered");
        Users.Value.Call<string>("EventTypeOf", domainEvent).ShouldBe("UserRegistered");
        Users.Value.Call<int>("EventVersionOf", domainEvent).ShouldBe(2);
        storeEvent.ShouldBe(new Event
        {
            AggregateType = "User",
            AggregateId = "u-1",
            EventId = storeEvent.EventId,
            EventType = "UserRegistered",
            EventVersion = 2,
            Payload = storeEvent.Payload,
            Metadata = storeEvent.Metadata,
            CreatedAt = Start,
            CorrelationId = "c-1",
            CausationId = "k-1",
            TraceId = "t-1",
        });
        Encoding.UTF8.GetString(storeEvent.Payload).ShouldBe(RegisteredV2Json);
        Encoding.UTF8.GetString(storeEvent.Metadata!).ShouldBe("{}");
        storeEvent.EventId.Version.ShouldBe(7);
    }

    [Test]
    public void A_batch_is_stamped_with_one_reading_of_the_clock_and_carries_the_given_metadata()
    {
        var clock = new SteppingTimeProvider(Start);
        var metadata = """{"tenant":"acme"}"""u8.ToArray();
        object[] domainEvents =
        [
            Users.Value.Call<object>("FromStoreEvent", Stored("UserRegistered", 1, RegisteredV1Json)),
            Users.Value.Call<object>("FromStoreEvent", Stored("UserEmailChanged", 1, EmailChangedJson)),
        ];

        var storeEvents = Users.Value.Call<IReadOnlyList<Event>>(
            "ToStoreEvents", "User", "u-1", domainEvents, new EventMapOptions { TimeProvider = clock, Metadata = metadata });

        clock.Readings.ShouldBe(1);
        storeEvents.Select(e => (e.EventType, e.EventVersion, e.CreatedAt)).ShouldBe([("UserRegistered", 1, Start), ("UserEmailChanged", 1, Start)]);
        storeEvents.ShouldAllBe(e => e.Metadata == metadata);
    }

    [Test]
    public void An_unknown_version_of_a_known_event_type_raises_UnknownEventException_listing_the_known_versions()
    {
        var exception = Should.Throw<UnknownEventException>(() =>
            Users.Value.Call<object>("FromStoreEvent", Stored("UserRegistered", 3, RegisteredV1Json)));

        exception.Message.ShouldBe("Unknown version 3 of event type 'UserRegistered': the known versions are 1, 2.");
    }

    [Test]
    public void An_unknown_event_type_raises_UnknownEventException_without_known_versions()
    {
        var exception = Should.Throw<UnknownEventException>(() =>
            Users.Value.Call<object>("FromStoreEvent", Stored("UserDeleted", 1, RegisteredV1Json)));

        exception.Message.ShouldBe("Unknown event type 'UserDeleted' (version 1): no domain event is mapped to it.");
    }

    [Test]
    public void Reading_an_event_that_is_not_a_T_raises_InvalidCastException_naming_its_index_type_version_and_both_types()
    {
        var registered = Users.Value.TypeOf("Users.Events.V1.UserRegistered");
        PersistedEvent[] persisted = [Stored("UserRegistered", 1, RegisteredV1Json), Stored("UserEmailChanged", 1, EmailChangedJson)];

        var exception = Should.Throw<InvalidCastException>(() =>
            Users.Value.CallGeneric<object>("FromStoreEvents", registered, [persisted]));

        exception.Message.ShouldBe(
            "Stored event 1 ('UserEmailChanged' version 1) maps to Users.Events.V1.UserEmailChanged, which is not a Users.Events.V1.UserRegistered.");
    }

    [Test]
    public void An_object_that_is_not_one_of_the_mappers_events_raises_ArgumentException_naming_its_type_and_the_mapper()
    {
        var exception = Should.Throw<ArgumentException>(() => Users.Value.Call<string>("EventTypeOf", "not an event"));

        exception.ParamName.ShouldBe("domainEvent");
        exception.Message.ShouldStartWith("System.String is not a domain event of Users.UserEventMapper");
    }

    [TestCase("EventTypeOf", "domainEvent")]
    [TestCase("EventVersionOf", "domainEvent")]
    [TestCase("FromStoreEvent", "persisted")]
    public void A_null_argument_raises_ArgumentNullException_naming_it(string method, string parameter)
    {
        var exception = Should.Throw<ArgumentNullException>(() => Users.Value.Call<object>(method, [null]));

        exception.ParamName.ShouldBe(parameter);
    }

    [TestCase(0, "aggregateType")]
    [TestCase(1, "aggregateId")]
    [TestCase(2, "domainEvent")]
    public void A_null_argument_to_ToStoreEvent_raises_ArgumentNullException_naming_it(int nullAt, string parameter)
    {
        var arguments = new object?[] { "User", "u-1", Users.Value.Call<object>("FromStoreEvent", Stored("UserRegistered", 1, RegisteredV1Json)), null };
        arguments[nullAt] = null;

        var exception = Should.Throw<ArgumentNullException>(() => Users.Value.Call<Event>("ToStoreEvent", arguments));

        exception.ParamName.ShouldBe(parameter);
    }

    private static PersistedEvent Stored(string eventType, int eventVersion, string json) => new()
    {
        GlobalPosition = 1,
        AggregateType = "User",
        AggregateId = "u-1",
        AggregateVersion = 1,
        EventId = Guid.NewGuid(),
        EventType = eventType,
        EventVersion = eventVersion,
        Payload = Encoding.UTF8.GetBytes(json),
        CreatedAt = Start,
    };
}
