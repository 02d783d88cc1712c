using Microsoft.CodeAnalysis;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>The <c>[DomainEvent]</c> and <c>[EventMapper]</c> attributes the generator adds to every compilation.</summary>
public sealed class AttributeTests
{
    private const string Embedded = "Microsoft.CodeAnalysis.EmbeddedAttribute";

    [Test]
    public void DomainEvent_is_an_embedded_internal_attribute_for_classes_and_structs_with_optional_Name_and_Version()
    {
        var attribute = AttributeIn(GeneratorHarness.Run("internal static class Empty;").Output, "EventStore.EventMap.DomainEventAttribute");

        attribute.DeclaredAccessibility.ShouldBe(Accessibility.Internal);
        attribute.IsSealed.ShouldBeTrue();
        attribute.GetAttributes().Select(a => a.AttributeClass!.ToDisplayString()).ShouldContain(Embedded);
        UsageOf(attribute).ShouldBe("ValidOn=12, Inherited=False, AllowMultiple=False"); // Class (4) | Struct (8)
        InitProperty(attribute, "Name").ShouldBe("string?");
        InitProperty(attribute, "Version").ShouldBe("int");
    }

    [Test]
    public void EventMapper_is_an_embedded_internal_class_attribute_taking_the_json_context_and_an_optional_Namespace()
    {
        var attribute = AttributeIn(GeneratorHarness.Run("internal static class Empty;").Output, "EventStore.EventMap.EventMapperAttribute");

        attribute.DeclaredAccessibility.ShouldBe(Accessibility.Internal);
        attribute.GetAttributes().Select(a => a.AttributeClass!.ToDisplayString()).ShouldContain(Embedded);
        UsageOf(attribute).ShouldBe("ValidOn=4, Inherited=False, AllowMultiple=False"); // Class
        attribute.InstanceConstructors.Single().Parameters.Select(p => $"{p.Type.ToDisplayString()} {p.Name}").ShouldBe(["System.Type jsonContext"]);
        InitProperty(attribute, "Namespace").ShouldBe("string?");
    }

    [Test]
    public void The_attributes_document_that_only_domain_events_of_the_same_compilation_are_found()
    {
        var attribute = AttributeIn(GeneratorHarness.Run("internal static class Empty;").Output, "EventStore.EventMap.DomainEventAttribute");

        attribute.GetDocumentationCommentXml()!.ShouldContain("declared in the same project (compilation) as a mapper are found");
    }

    [Test]
    public void Two_assemblies_with_their_own_copies_compile_even_when_one_sees_the_others_internals()
    {
        var library = GeneratorHarness.Run("""
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("EventMapSnippets")]
            namespace Library.Events.V1 { [EventStore.EventMap.DomainEvent] internal sealed record Shipped(string Id); }
            """).Output.WithAssemblyName("Library");
        using var image = new MemoryStream();
        library.Emit(image).Success.ShouldBeTrue();

        var consumer = GeneratorHarness.Compile("""
            namespace Consumer.Events.V1 { [EventStore.EventMap.DomainEvent(Name = "Delivered")] internal sealed record Delivered(string Id); }
            """).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        var run = GeneratorHarness.Run(consumer);

        run.CompilationProblems.ShouldBeEmpty();
    }

    private static INamedTypeSymbol AttributeIn(Compilation compilation, string metadataName) =>
        compilation.GetTypeByMetadataName(metadataName).ShouldNotBeNull();

    private static string UsageOf(INamedTypeSymbol attribute)
    {
        var usage = attribute.GetAttributes().Single(a => a.AttributeClass!.Name == nameof(AttributeUsageAttribute));
        var named = usage.NamedArguments.ToDictionary(pair => pair.Key, pair => pair.Value.Value);
        return $"ValidOn={usage.ConstructorArguments[0].Value}, Inherited={named["Inherited"]}, AllowMultiple={named["AllowMultiple"]}";
    }

    private static string InitProperty(INamedTypeSymbol attribute, string name)
    {
        var property = attribute.GetMembers(name).OfType<IPropertySymbol>().Single();
        property.SetMethod!.IsInitOnly.ShouldBeTrue();
        return property.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.AddMiscellaneousOptions(
            SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier));
    }
}
