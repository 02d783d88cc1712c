namespace EventStore.Tests.Docs;

/// <summary>The snippet check itself: it reads the blocks a reader sees, and it fails on what would fail a reader.</summary>
public sealed class SnippetCheckTests
{
    // The README's event-map block as it was before its using directives were added (issue 13).
    private const string OldEventMapSection = """
        Mark each event with `[DomainEvent]`:

        ```csharp
        namespace Users.Events.V1 { [DomainEvent] public sealed record UserRegistered(string UserId, string Email); }
        namespace Users.Events.V2 { [DomainEvent] public sealed record UserRegistered(string UserId, string Email, string Country, DateTimeOffset RegisteredAt); }

        [JsonSerializable(typeof(Users.Events.V1.UserRegistered), TypeInfoPropertyName = "UserRegisteredV1")]
        [JsonSerializable(typeof(Users.Events.V2.UserRegistered), TypeInfoPropertyName = "UserRegisteredV2")]
        internal sealed partial class UserEventsJsonContext : JsonSerializerContext;

        [EventMapper(typeof(UserEventsJsonContext), Namespace = "Users.Events")]
        public static partial class UserEventMapper;
        ```
        """;

    [Test]
    public void The_old_event_map_block_without_its_using_fails_at_the_markdown_line_of_the_attribute()
    {
        var problems = Problems(OldEventMapSection);

        ShouldReport(problems, "README.md(4,", "error CS0246", "'DomainEvent");
        ShouldReport(problems, "README.md(11,", "error CS0246", "'EventMapper");
    }

    [Test]
    public void The_event_map_block_with_its_usings_compiles_and_its_mapper_is_generated()
    {
        var section = OldEventMapSection.Replace(
            "```csharp\n", "```csharp\nusing System.Text.Json.Serialization;\nusing EventStore.EventMap;\n\n", StringComparison.Ordinal) + """

            <!-- snippet-context: previous block -->
            ```csharp
            string type = UserEventMapper.EventTypeOf(new Users.Events.V1.UserRegistered("user-1", "ada@example.com"));
            ```
            """;

        var snippets = MarkdownSnippets.Read("README.md", section);

        SnippetCompiler.Problems(snippets[0]).ShouldBeEmpty();
        SnippetCompiler.Problems(snippets[1]).ShouldBeEmpty();
    }

    [Test]
    public void A_block_that_uses_a_variable_no_context_declares_fails_at_its_line()
    {
        var problems = Problems("""
            ```csharp
            await using var connection = await dataSource.OpenConnectionAsync();
            ```
            """);

        ShouldReport(problems, "README.md(2,", "error CS0103", "'dataSource'");
    }

    [Test]
    public void A_block_compiles_with_the_variables_its_context_comment_declares()
    {
        var problems = Problems("""
            <!-- snippet-context: Npgsql.NpgsqlDataSource dataSource;
                 CancellationToken stoppingToken -->
            ```csharp
            await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
            ```
            """);

        problems.ShouldBeEmpty();
    }

    [Test]
    public void A_context_variable_of_an_unknown_type_fails_at_its_line_in_the_comment()
    {
        var problems = Problems("""
            <!-- snippet-context: CancellationToken stoppingToken;
                 NpgsqlDataSource dataSource -->
            ```csharp
            await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
            ```
            """);

        ShouldReport(problems, "README.md(2,", "error CS0246", "'NpgsqlDataSource'");
    }

    [Test]
    public void A_block_sees_the_types_of_the_previous_block_only_when_its_context_names_it()
    {
        const string Declaration = """
            ```csharp
            public sealed record OrderPlaced(string OrderId);
            ```

            """;
        const string Use = """
            ```csharp
            var placed = new OrderPlaced("order-42");
            ```
            """;

        ShouldReport(Problems(Declaration + Use, block: 1), "README.md(5,", "error CS0246", "'OrderPlaced'");
        Problems(Declaration + "<!-- snippet-context: previous block -->\n" + Use, block: 1).ShouldBeEmpty();
    }

    [Test]
    public void A_warning_fails_a_block_as_an_error_does()
    {
        var problems = Problems("""
            ```csharp
            string? name = Environment.GetEnvironmentVariable("USER");
            Console.WriteLine(name.Length);
            ```
            """);

        ShouldReport(problems, "README.md(3,", "warning CS8602");
    }

    [Test]
    public void A_block_fails_with_the_event_map_generator_diagnostics()
    {
        var problems = Problems("""
            ```csharp
            using System.Text.Json.Serialization;
            using EventStore.EventMap;

            namespace Shop.Events { [DomainEvent] public sealed record Placed(string OrderId); }

            [JsonSerializable(typeof(Shop.Events.Placed))]
            internal sealed partial class ShopJsonContext : JsonSerializerContext;

            [EventMapper(typeof(ShopJsonContext))]
            public static partial class ShopMapper;
            ```
            """);

        ShouldReport(problems, "README.md(5,", "ESMAP002");
    }

    [Test]
    public void Only_csharp_blocks_are_read_each_with_the_line_of_its_fence_and_without_the_fence_indentation()
    {
        var snippets = MarkdownSnippets.Read("docs/note.md", """
            ```sh
            dotnet cake
            ```

            1. A step:

               ```csharp
               var one = 1;
               ```

            ~~~cs
            var two = 2;
            ~~~

            ````json
            { "x": "```csharp" }
            ````
            """);

        snippets.Select(snippet => (snippet.Name, snippet.Code)).ShouldBe([("docs/note.md:7", "var one = 1;"), ("docs/note.md:11", "var two = 2;")]);
    }

    [Test]
    public void A_context_comment_that_no_csharp_block_follows_is_rejected()
    {
        var beforeText = Should.Throw<FormatException>(() => MarkdownSnippets.Read("README.md", """
            <!-- snippet-context: CancellationToken stoppingToken -->
            Some text.

            ```csharp
            var one = 1;
            ```
            """));
        var beforeShell = Should.Throw<FormatException>(() => MarkdownSnippets.Read("README.md", """
            <!-- snippet-context: CancellationToken stoppingToken -->
            ```sh
            dotnet cake
            ```
            """));

        beforeText.Message.ShouldStartWith("README.md:1: a snippet-context comment is not directly followed by a C# block");
        beforeShell.Message.ShouldStartWith("README.md:1: a snippet-context comment is not directly followed by a C# block");
    }

    [Test]
    public void A_context_item_that_is_not_a_variable_is_rejected()
    {
        var rejected = Should.Throw<FormatException>(() => MarkdownSnippets.Read("README.md", """
            <!-- snippet-context: the data source -->
            ```csharp
            var one = 1;
            ```
            """));

        rejected.Message.ShouldStartWith("README.md:1: 'the data source' is neither 'previous block' nor a variable");
    }

    private static void ShouldReport(IReadOnlyList<string> problems, string location, params string[] fragments) =>
        problems.ShouldContain(
            problem => problem.StartsWith(location, StringComparison.Ordinal) && fragments.All(fragment => problem.Contains(fragment, StringComparison.Ordinal)),
            string.Join(Environment.NewLine, problems));

    private static IReadOnlyList<string> Problems(string markdown, int block = 0) =>
        SnippetCompiler.Problems(MarkdownSnippets.Read("README.md", markdown)[block]);
}
