using System.Text.Json.Serialization;
using V1 = EventStore.Examples.EventMapCodegen.Domain.V1;
using V2 = EventStore.Examples.EventMapCodegen.Domain.V2;

namespace EventStore.Examples.EventMapCodegen.Mapping;

/// <summary>
/// The serializer for the user events, filled in at compile time by System.Text.Json's generator: no reflection.
/// The event-map generator checks that every domain event is listed here.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(V1.UserRegistered), TypeInfoPropertyName = "UserRegisteredV1")]
[JsonSerializable(typeof(V2.UserRegistered), TypeInfoPropertyName = "UserRegisteredV2")]
[JsonSerializable(typeof(V1.UserEmailChanged))]
[JsonSerializable(typeof(V1.UserDeleted))]
internal sealed partial class UserEventsJsonContext : JsonSerializerContext;
