namespace EventStore.Tests.EventMap.Generator;

/// <summary>The users example of the generator's contract, as snippets: events, JSON context and mapper.</summary>
internal static class UsersModel
{
    public const string MapperHintName = "Users.UserEventMapper.EventMap.g.cs";

    public const string RegisteredV1 = """
        using EventStore.EventMap;

        namespace Users.Events.V1
        {
            [DomainEvent]
            internal sealed record UserRegistered(string UserId, string Email);
        }
        """;

    public const string RegisteredV2 = """
        using System;
        using EventStore.EventMap;

        namespace Users.Events.V2
        {
            [DomainEvent]
            internal sealed record UserRegistered(string UserId, string Email, string Country, DateTimeOffset RegisteredAt);
        }
        """;

    public const string EmailChanged = """
        using EventStore.EventMap;

        namespace Users.Events.V1
        {
            [DomainEvent]
            internal sealed record UserEmailChanged(string UserId, string NewEmail);
        }
        """;

    public const string JsonContext = """
        using System.Text.Json.Serialization;

        namespace Users
        {
            [JsonSerializable(typeof(Users.Events.V1.UserRegistered), TypeInfoPropertyName = "UserRegisteredV1")]
            [JsonSerializable(typeof(Users.Events.V2.UserRegistered), TypeInfoPropertyName = "UserRegisteredV2")]
            [JsonSerializable(typeof(Users.Events.V1.UserEmailChanged))]
            internal sealed partial class UserEventsJsonContext : JsonSerializerContext;
        }
        """;

    public const string Mapper = """
        using EventStore.EventMap;

        namespace Users
        {
            /// <summary>Maps the user events.</summary>
            [EventMapper(typeof(UserEventsJsonContext), Namespace = "Users.Events")]
            public static partial class UserEventMapper;
        }
        """;

    public static string[] All => [RegisteredV1, RegisteredV2, EmailChanged, JsonContext, Mapper];

    /// <summary>Joins snippets into one file, their using directives first.</summary>
    /// <param name="snippets">The snippets, in the order their declarations should appear.</param>
    /// <returns>One compilation unit.</returns>
    public static string InOneFile(params string[] snippets)
    {
        var lines = snippets.SelectMany(snippet => snippet.Split('\n')).ToList();
        var usings = lines.Where(IsUsing).Distinct();
        return string.Join("\n", usings.Concat(lines.Where(line => !IsUsing(line))));
    }

    private static bool IsUsing(string line) => line.StartsWith("using ", StringComparison.Ordinal);
}
