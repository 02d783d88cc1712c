using Microsoft.CodeAnalysis;

namespace EventStore.EventMap.Reading;

/// <summary>Reads attribute arguments without caring whether the attribute bound cleanly.</summary>
internal static class AttributeDataExtensions
{
    public static T NamedArgument<T>(this AttributeData attribute, string name, T fallback)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is T value)
            {
                return value;
            }
        }

        return fallback;
    }
}
