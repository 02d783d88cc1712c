using EventStore.EventMap.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventStore.EventMap.Reading;

/// <summary>Turns an <c>[EventMapper]</c> class declaration into a <see cref="MapperModel"/>.</summary>
internal static class MapperReader
{
    private static readonly SymbolDisplayFormat NamespaceFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

    /// <summary>Reads the mapper, or returns <see langword="null"/> for a declaration that another one already covers.</summary>
    /// <param name="context">The attributed declaration.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The mapper, or <see langword="null"/>.</returns>
    public static MapperModel? Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var mapper = (INamedTypeSymbol)context.TargetSymbol;
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        if (!IsFirstApplication(mapper, attribute))
        {
            // The attribute repeated on several partial declarations is the compiler's error (CS0579); reading each
            // would emit the same file twice.
            return null;
        }

        var displayName = mapper.ToDisplayString();
        var mapperLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        var contextLocation = LocationInfo.From(JsonContextArgumentLocation(attribute, cancellationToken) ?? declaration.Identifier.GetLocation());

        var problems = ShapeProblemsOf(mapper, declaration)
            .Select(problem => DiagnosticInfo.Create(Diagnostics.InvalidMapper, mapperLocation, displayName, problem))
            .ToList();
        var contextProblem = JsonContextReader.Find(attribute, context.SemanticModel.Compilation, out var jsonContext);
        if (contextProblem is not null)
        {
            problems.Add(DiagnosticInfo.Create(Diagnostics.InvalidMapper, contextLocation, displayName, contextProblem));
        }

        return new MapperModel(
            Namespace: mapper.ContainingNamespace.IsGlobalNamespace ? string.Empty : mapper.ContainingNamespace.ToDisplayString(NamespaceFormat),
            ContainingTypes: ContainingDeclarations(declaration).Select(PartialHeaderOf).ToEquatableArray(),
            Name: declaration.Identifier.Text,
            DisplayName: displayName,
            JsonContext: jsonContext?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? string.Empty,
            JsonContextDisplayName: jsonContext?.ToDisplayString() ?? string.Empty,
            EventNamespace: attribute.NamedArgument<string?>("Namespace", null),
            SerializableTypes: jsonContext is null ? EquatableArray<SerializableType>.Empty : JsonContextReader.SerializableTypes(jsonContext).ToEquatableArray(),
            JsonContextLocation: contextLocation,
            Problems: problems.ToEquatableArray());
    }

    private static IEnumerable<string> ShapeProblemsOf(INamedTypeSymbol mapper, TypeDeclarationSyntax declaration)
    {
        if (declaration is not ClassDeclarationSyntax || !mapper.IsStatic || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            yield return "it must be declared as a 'static partial class'";
        }

        for (var current = mapper; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                yield return "it is generic or nested in a generic type";
                break;
            }
        }

        foreach (var container in ContainingDeclarations(declaration).Where(container => !container.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            yield return "it is nested in '" + container.Identifier.ValueText + "', which is not partial";
        }
    }

    private static bool IsFirstApplication(INamedTypeSymbol mapper, AttributeData attribute)
    {
        var first = mapper.GetAttributes()
            .FirstOrDefault(candidate => candidate.AttributeClass?.ToDisplayString() == AttributeSources.EventMapperMetadataName);
        return first?.ApplicationSyntaxReference is not { } reference
            || attribute.ApplicationSyntaxReference is not { } own
            || (reference.SyntaxTree == own.SyntaxTree && reference.Span == own.Span);
    }

    private static Location? JsonContextArgumentLocation(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax
            ? syntax.ArgumentList?.Arguments.FirstOrDefault()?.GetLocation() ?? syntax.GetLocation()
            : null;

    private static IEnumerable<TypeDeclarationSyntax> ContainingDeclarations(TypeDeclarationSyntax declaration) =>
        declaration.Ancestors().OfType<TypeDeclarationSyntax>().Reverse();

    private static string PartialHeaderOf(TypeDeclarationSyntax container)
    {
        var keyword = container is RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not 0 } record
            ? record.Keyword.Text + " " + record.ClassOrStructKeyword.Text
            : container.Keyword.Text;
        return "partial " + keyword + " " + container.Identifier.Text;
    }
}
