using EventStore.EventMap.Model;
using Microsoft.CodeAnalysis;

namespace EventStore.EventMap.Reading;

/// <summary>Checks a mapper's <c>jsonContext</c> argument and reads the types that context lists.</summary>
internal static class JsonContextReader
{
    private const string ContextMetadataName = "System.Text.Json.Serialization.JsonSerializerContext";
    private const string SerializableMetadataName = "System.Text.Json.Serialization.JsonSerializableAttribute";

    /// <summary>Finds the context class the attribute names, or says why it is not usable.</summary>
    /// <param name="mapperAttribute">The <c>[EventMapper]</c> attribute.</param>
    /// <param name="compilation">The compilation, to find <c>JsonSerializerContext</c> in.</param>
    /// <param name="context">The context class when the result is <see langword="null"/>.</param>
    /// <returns><see langword="null"/> when the context is usable, otherwise why it is not.</returns>
    public static string? Find(AttributeData mapperAttribute, Compilation compilation, out INamedTypeSymbol? context)
    {
        context = mapperAttribute.ConstructorArguments.Length == 1
            ? mapperAttribute.ConstructorArguments[0].Value as INamedTypeSymbol
            : null;
        if (context is null || context.TypeKind == TypeKind.Error)
        {
            context = null;
            return "its jsonContext argument is missing; pass typeof(a class deriving from " + ContextMetadataName + ")";
        }

        if (context.TypeKind != TypeKind.Class || !DerivesFrom(context, compilation.GetTypeByMetadataName(ContextMetadataName)))
        {
            var problem = "its jsonContext argument '" + context.ToDisplayString() + "' is not a class deriving from " + ContextMetadataName;
            context = null;
            return problem;
        }

        return null;
    }

    /// <summary>Lists the types named by the context's <c>[JsonSerializable(typeof(T))]</c> attributes.</summary>
    /// <param name="context">The context class.</param>
    /// <returns>The types with their context property names, sorted by type name.</returns>
    public static IEnumerable<SerializableType> SerializableTypes(INamedTypeSymbol context) =>
        context.GetAttributes()
            .Where(attribute => attribute.AttributeClass?.ToDisplayString() == SerializableMetadataName
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is ITypeSymbol)
            .Select(attribute => ToSerializableType((ITypeSymbol)attribute.ConstructorArguments[0].Value!, attribute))
            .Distinct()
            .OrderBy(type => type.TypeName, StringComparer.Ordinal)
            .ThenBy(type => type.PropertyName, StringComparer.Ordinal);

    private static SerializableType ToSerializableType(ITypeSymbol type, AttributeData attribute)
    {
        var typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        // System.Text.Json names the property after a plain type's simple name. Generic and array types get composed
        // names that no event can share, since events are plain types; their full name stands in for those.
        var propertyName = attribute.NamedArgument<string?>("TypeInfoPropertyName", null)
            ?? (type is INamedTypeSymbol { IsGenericType: false } ? type.Name : typeName);
        return new SerializableType(typeName, propertyName);
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type.BaseType; current is not null && baseType is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
