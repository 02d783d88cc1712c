using EventStore.EventMap.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventStore.EventMap.Reading;

/// <summary>Turns a <c>[DomainEvent]</c> declaration into a <see cref="DomainEventModel"/>.</summary>
internal static class DomainEventReader
{
    public static DomainEventModel Read(GeneratorAttributeSyntaxContext context)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var attribute = context.Attributes[0];
        var location = LocationInfo.From(((BaseTypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation());
        var displayName = type.ToDisplayString();
        var eventNamespace = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();

        var problems = new List<DiagnosticInfo>();
        var versionProblem = EventVersionResolver.Resolve(attribute.NamedArgument("Version", 0), eventNamespace, out var version);
        if (versionProblem is not null)
        {
            problems.Add(DiagnosticInfo.Create(Diagnostics.MissingVersion, location, displayName, versionProblem));
        }

        problems.AddRange(SerializabilityCheck.ProblemsOf(type)
            .Select(problem => DiagnosticInfo.Create(Diagnostics.UnserializableEvent, location, displayName, problem)));

        return new DomainEventModel(
            TypeName: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            DisplayName: displayName,
            Namespace: eventNamespace,
            EventType: attribute.NamedArgument<string?>("Name", null) ?? type.Name,
            EventVersion: version,
            Location: location,
            Problems: problems.ToEquatableArray());
    }
}
