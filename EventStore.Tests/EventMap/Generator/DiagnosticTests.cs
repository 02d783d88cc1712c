using System.Globalization;
using Microsoft.CodeAnalysis;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>
/// The errors ESMAP001 to ESMAP004: each fires where the problem is, names the types involved, and keeps the
/// offending event or mapper out of the generated code.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Context = """
        [JsonSerializable(typeof(Shop.Events.V1.Placed))]
        internal sealed partial class ShopJsonContext : JsonSerializerContext;
        """;

    private const string Mapper = """
        /// <summary>Maps the shop's events.</summary>
        [EventMapper(typeof(ShopJsonContext))]
        public static partial class ShopMapper;
        """;

    private const string PlacedV1 = "namespace Shop.Events.V1 { [DomainEvent] internal sealed record Placed(string Id); }";

    [Test]
    public void A_valid_model_reports_no_diagnostics()
    {
        var run = GeneratorHarness.Run(Shop(PlacedV1, Context, Mapper));

        run.Diagnostics.ShouldBeEmpty();
        run.CompilationProblems.ShouldBeEmpty();
    }

    [Test]
    public void ESMAP001_is_reported_on_each_of_two_events_claiming_the_same_type_and_version_and_names_both()
    {
        var run = GeneratorHarness.Run(Shop(
            PlacedV1 + "\nnamespace Shop.Events.V1 { [DomainEvent(Name = \"Placed\")] internal sealed record Created(string Id); }",
            """
            [JsonSerializable(typeof(Shop.Events.V1.Placed))]
            [JsonSerializable(typeof(Shop.Events.V1.Created))]
            internal sealed partial class ShopJsonContext : JsonSerializerContext;
            """,
            Mapper));

        run.Diagnostics.Select(d => d.Id).ShouldBe(["ESMAP001", "ESMAP001"]);
        run.Diagnostics.Select(run.TextAt).ShouldBe(["Created", "Placed"], ignoreOrder: true);
        run.Diagnostics.ShouldAllBe(d => d.Severity == DiagnosticSeverity.Error);
        foreach (var message in run.Diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)))
        {
            message.ShouldContain("'Shop.Events.V1.Placed'");
            message.ShouldContain("'Shop.Events.V1.Created'");
            message.ShouldContain("event type 'Placed' version 1 by mapper 'Shop.ShopMapper'");
        }

        run.Source("Shop.ShopMapper.EventMap.g.cs").ShouldNotContain("Shop.Events.V1.");
    }

    [Test]
    public void ESMAP001_is_not_reported_for_events_that_share_a_type_and_version_but_belong_to_different_mappers()
    {
        var run = GeneratorHarness.Run(Shop(
            PlacedV1 + "\nnamespace Billing.Events.V1 { [DomainEvent(Name = \"Placed\")] internal sealed record Billed(string Id); }",
            """
            [JsonSerializable(typeof(Shop.Events.V1.Placed))]
            [JsonSerializable(typeof(Billing.Events.V1.Billed))]
            internal sealed partial class ShopJsonContext : JsonSerializerContext;
            """,
            """
            /// <summary>Maps the shop's events.</summary>
            [EventMapper(typeof(ShopJsonContext), Namespace = "Shop.Events")]
            public static partial class ShopMapper;

            /// <summary>Maps the billing events.</summary>
            [EventMapper(typeof(ShopJsonContext), Namespace = "Billing.Events")]
            public static partial class BillingMapper;
            """));

        run.Diagnostics.ShouldBeEmpty();
        run.CompilationProblems.ShouldBeEmpty();
    }

    [TestCase("namespace Shop.Events { [DomainEvent] internal sealed record Placed(string Id); }", "Shop.Events.Placed", "V<n>")]
    [TestCase("namespace Shop.Events.V1 { [DomainEvent(Version = -1)] internal sealed record Placed(string Id); }", "Shop.Events.V1.Placed", "declared Version -1 is below 1")]
    [TestCase("namespace Shop.Events.V0 { [DomainEvent] internal sealed record Placed(string Id); }", "Shop.Events.V0.Placed", "segment 'V0' gives version 0, below 1")]
    public void ESMAP002_is_reported_on_an_event_without_a_version_of_at_least_1(string declaration, string typeName, string reason)
    {
        var run = GeneratorHarness.Run(Shop(declaration, Context.Replace("Shop.Events.V1.Placed", typeName, StringComparison.Ordinal), Mapper));

        var diagnostic = run.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe("ESMAP002");
        diagnostic.Severity.ShouldBe(DiagnosticSeverity.Error);
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldContain($"Domain event '{typeName}' has no valid version: ");
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldContain(reason);
        run.TextAt(diagnostic).ShouldBe("Placed");
    }

    [TestCase("internal sealed record Placed<T>(T Id);", "Shop.Events.V1.Placed<T>", "generic")]
    [TestCase("internal static class Orders<T> { [DomainEvent] internal sealed record Placed(string Id); }", "Shop.Events.V1.Orders<T>.Placed", "generic")]
    [TestCase("internal abstract record Placed(string Id);", "Shop.Events.V1.Placed", "abstract")]
    [TestCase("internal interface Placed { }", "Shop.Events.V1.Placed", "interface")]
    [TestCase("internal static class Placed { }", "Shop.Events.V1.Placed", "static")]
    [TestCase("internal static class Orders { [DomainEvent] private sealed record Placed(string Id); }", "Shop.Events.V1.Orders.Placed", "private")]
    [TestCase("file sealed record Placed(string Id);", "Shop.Events.V1.Placed", "file-local")]
    public void ESMAP003_is_reported_on_an_event_type_the_serializer_cannot_handle(string declaration, string typeName, string reason)
    {
        var marked = declaration.Contains("[DomainEvent]", StringComparison.Ordinal) ? declaration : "[DomainEvent] " + declaration;
        var run = GeneratorHarness.Run(Shop($"namespace Shop.Events.V1 {{ {marked} }}", "internal sealed partial class ShopJsonContext : JsonSerializerContext;", Mapper));

        var diagnostic = run.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe("ESMAP003");
        diagnostic.Severity.ShouldBe(DiagnosticSeverity.Error);
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldStartWith($"Domain event '{typeName}' cannot be serialized: ");
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldContain(reason);
        run.TextAt(diagnostic).ShouldBe("Placed");
    }

    [Test]
    public void ESMAP003_is_reported_on_the_mapper_for_an_event_its_json_context_does_not_list_and_says_what_to_add()
    {
        var run = GeneratorHarness.Run(Shop(
            PlacedV1 + "\nnamespace Shop.Events.V1 { [DomainEvent] internal sealed record Cancelled(string Id); }",
            Context,
            Mapper));

        var diagnostic = run.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe("ESMAP003");
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldBe(
            "Domain event 'Shop.Events.V1.Cancelled' cannot be serialized: mapper 'Shop.ShopMapper' serializes through 'Shop.ShopJsonContext', "
            + "which does not list it; add [JsonSerializable(typeof(Shop.Events.V1.Cancelled))] to 'Shop.ShopJsonContext'");
        run.TextAt(diagnostic).ShouldBe("typeof(ShopJsonContext)");
        run.Source("Shop.ShopMapper.EventMap.g.cs").ShouldNotContain("Cancelled");
        run.Source("Shop.ShopMapper.EventMap.g.cs").ShouldContain("Placed");
    }

    [Test]
    public void ESMAP003_is_reported_for_events_the_json_context_lists_under_one_property_name()
    {
        var run = GeneratorHarness.Run(Shop(
            PlacedV1 + "\nnamespace Shop.Events.V2 { [DomainEvent] internal sealed record Placed(string Id, int Lines); }",
            """
            [JsonSerializable(typeof(Shop.Events.V1.Placed))]
            [JsonSerializable(typeof(Shop.Events.V2.Placed))]
            internal sealed partial class ShopJsonContext : JsonSerializerContext;
            """,
            Mapper));

        run.Diagnostics.Select(d => d.Id).ShouldBe(["ESMAP003", "ESMAP003"]);
        var messages = run.Diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        messages.ShouldContain(m => m.StartsWith("Domain event 'Shop.Events.V1.Placed' cannot be serialized: 'Shop.ShopJsonContext' serves it through property 'Placed', which it also uses for 'Shop.Events.V2.Placed'", StringComparison.Ordinal));
        messages.ShouldContain(m => m.StartsWith("Domain event 'Shop.Events.V2.Placed' cannot be serialized: 'Shop.ShopJsonContext' serves it through property 'Placed', which it also uses for 'Shop.Events.V1.Placed'", StringComparison.Ordinal));
        messages.ShouldAllBe(m => m.Contains("TypeInfoPropertyName", StringComparison.Ordinal));
    }

    [TestCase("internal partial class ShopMapper { }", "ShopMapper", "must be declared as a 'static partial class'")]
    [TestCase("internal static class ShopMapper { }", "ShopMapper", "must be declared as a 'static partial class'")]
    [TestCase("internal static partial class ShopMapper<T> { }", "ShopMapper", "generic")]
    [TestCase("internal static partial class Outer<T> { [EventMapper(typeof(ShopJsonContext))] internal static partial class ShopMapper { } }", "ShopMapper", "generic")]
    [TestCase("internal static class Outer { [EventMapper(typeof(ShopJsonContext))] internal static partial class ShopMapper { } }", "ShopMapper", "nested in 'Outer', which is not partial")]
    public void ESMAP004_is_reported_on_a_mapper_class_the_generator_cannot_fill(string declaration, string located, string reason)
    {
        var attributed = declaration.Contains("[EventMapper", StringComparison.Ordinal) ? declaration : "[EventMapper(typeof(ShopJsonContext))] " + declaration;

        var run = GeneratorHarness.Run(Shop(PlacedV1, Context, attributed));

        ShouldBeInvalidMapper(run, located, reason);
    }

    [TestCase("typeof(string)", "its jsonContext argument 'string' is not a class deriving from System.Text.Json.Serialization.JsonSerializerContext")]
    [TestCase("typeof(System.IDisposable)", "its jsonContext argument 'System.IDisposable' is not a class deriving")]
    [TestCase("typeof(NotAContext)", "its jsonContext argument 'Shop.NotAContext' is not a class deriving")]
    [TestCase("null", "its jsonContext argument is missing")]
    [TestCase("typeof(Missing)", "its jsonContext argument is missing")]
    public void ESMAP004_is_reported_on_the_json_context_argument_when_it_is_not_a_JsonSerializerContext(string argument, string reason)
    {
        var run = GeneratorHarness.Run(Shop(
            PlacedV1,
            Context + "\ninternal sealed class NotAContext;",
            $"[EventMapper({argument})] internal static partial class ShopMapper;"));

        ShouldBeInvalidMapper(run, argument, reason);
    }

    [Test]
    public void An_event_with_a_problem_is_reported_once_however_many_mappers_cover_it()
    {
        var run = GeneratorHarness.Run(Shop(
            "namespace Shop.Events { [DomainEvent] internal sealed record Placed(string Id); }",
            "internal sealed partial class ShopJsonContext : JsonSerializerContext;",
            """
            [EventMapper(typeof(ShopJsonContext))] internal static partial class ShopMapper;
            [EventMapper(typeof(ShopJsonContext))] internal static partial class OtherMapper;
            """));

        run.Diagnostics.Select(d => d.Id).ShouldBe(["ESMAP002"]);
    }

    private static void ShouldBeInvalidMapper(GeneratorRun run, string located, string reason)
    {
        var diagnostic = run.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe("ESMAP004");
        diagnostic.Severity.ShouldBe(DiagnosticSeverity.Error);
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldStartWith("Event mapper 'Shop.");
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldContain("ShopMapper");
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldContain(reason);
        run.TextAt(diagnostic).ShouldBe(located);
        run.EventMap.GeneratedSources.ShouldNotContain(source => source.HintName.Contains("ShopMapper", StringComparison.Ordinal));
    }

    private static string Shop(string events, string context, string mappers) => $$"""
        using System.Text.Json.Serialization;
        using EventStore.EventMap;

        {{events}}

        namespace Shop
        {
            {{context}}

            {{mappers}}
        }
        """;
}
