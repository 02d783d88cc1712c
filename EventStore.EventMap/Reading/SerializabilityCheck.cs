using Microsoft.CodeAnalysis;

namespace EventStore.EventMap.Reading;

/// <summary>
/// Finds what keeps a domain event type from being serialized through a source-generated JSON context or named in
/// generated code, whichever mapper uses it.
/// </summary>
internal static class SerializabilityCheck
{
    public static IEnumerable<string> ProblemsOf(INamedTypeSymbol type)
    {
        if (IsGeneric(type))
        {
            yield return "it is generic or nested in a generic type; declare a closed, non-generic event type";
        }

        if (type.TypeKind == TypeKind.Interface)
        {
            yield return "it is an interface; mark a concrete class, record or struct instead";
        }
        else if (type.IsStatic)
        {
            yield return "it is static, so it has no instances to store";
        }
        else if (type.IsAbstract)
        {
            yield return "it is abstract; mark each concrete event type instead";
        }

        if (!IsReachableFromItsAssembly(type))
        {
            yield return "it is private, protected or file-local, so the generated mapper cannot name it; make it internal or public";
        }
    }

    private static bool IsGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsReachableFromItsAssembly(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal
                || current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return false;
            }
        }

        return true;
    }
}
