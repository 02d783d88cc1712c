using Microsoft.CodeAnalysis;

namespace EventStore.EventMap.Model;

/// <summary>A diagnostic to report, held as equatable values until the output step turns it into a <see cref="Diagnostic"/>.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo location, params string[] arguments) =>
        new(descriptor, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location.ToLocation(), Arguments.ToArray<object>());
}
