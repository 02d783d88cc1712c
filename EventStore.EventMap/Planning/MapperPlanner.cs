using System.Globalization;
using EventStore.EventMap.Model;

namespace EventStore.EventMap.Planning;

/// <summary>Matches a mapper with the domain events it covers and finds the problems only that pairing shows.</summary>
internal static class MapperPlanner
{
    private const string GlobalPrefix = "global::";

    public static MapperPlan Plan(MapperModel mapper, EquatableArray<DomainEventModel> events, bool useVersion7Guids)
    {
        if (!mapper.Problems.IsEmpty)
        {
            // Without a usable class or context there is nothing to check the events against.
            return new MapperPlan(mapper, EquatableArray<DomainEventModel>.Empty, mapper.Problems, useVersion7Guids);
        }

        var covered = Covered(mapper, events);
        var diagnostics = new List<DiagnosticInfo>();
        var clashing = ReportClashes(mapper, covered, diagnostics);
        var unserializable = ReportUnserializable(mapper, covered, diagnostics);

        // Events with problems are left out rather than emitted, so the user sees our diagnostic instead of a
        // cascade of compiler errors in generated code.
        var usable = covered.Where(domainEvent => !clashing.Contains(domainEvent) && !unserializable.Contains(domainEvent));
        return new MapperPlan(mapper, usable.ToEquatableArray(), diagnostics.ToEquatableArray(), useVersion7Guids);
    }

    private static List<DomainEventModel> Covered(MapperModel mapper, EquatableArray<DomainEventModel> events) =>
        events
            .Where(domainEvent => domainEvent.Problems.IsEmpty && mapper.Covers(domainEvent))
            // A type whose partial declarations each carry the attribute (the compiler's CS0579) is read once per declaration.
            .GroupBy(domainEvent => domainEvent.TypeName, StringComparer.Ordinal)
            .Select(sameType => sameType.First())
            // Sorting here makes the output independent of the order in which files and declarations were found.
            .OrderBy(domainEvent => domainEvent.EventType, StringComparer.Ordinal)
            .ThenBy(domainEvent => domainEvent.EventVersion)
            .ThenBy(domainEvent => domainEvent.TypeName, StringComparer.Ordinal)
            .ToList();

    private static HashSet<DomainEventModel> ReportClashes(MapperModel mapper, List<DomainEventModel> covered, List<DiagnosticInfo> diagnostics)
    {
        var clashing = new HashSet<DomainEventModel>();
        foreach (var sameKey in covered.GroupBy(domainEvent => (domainEvent.EventType, domainEvent.EventVersion)).Where(group => group.Count() > 1))
        {
            foreach (var domainEvent in sameKey)
            {
                var others = string.Join("', '", sameKey.Where(other => other != domainEvent).Select(other => other.DisplayName));
                diagnostics.Add(DiagnosticInfo.Create(
                    Diagnostics.DuplicateEvent,
                    domainEvent.Location,
                    domainEvent.DisplayName,
                    domainEvent.EventType,
                    domainEvent.EventVersion.ToString(CultureInfo.InvariantCulture),
                    mapper.DisplayName,
                    others));
                clashing.Add(domainEvent);
            }
        }

        return clashing;
    }

    private static HashSet<DomainEventModel> ReportUnserializable(MapperModel mapper, List<DomainEventModel> covered, List<DiagnosticInfo> diagnostics)
    {
        var unserializable = new HashSet<DomainEventModel>();
        foreach (var domainEvent in covered)
        {
            var problem = SerializationProblemOf(mapper, domainEvent);
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnserializableEvent, mapper.JsonContextLocation, domainEvent.DisplayName, problem));
                unserializable.Add(domainEvent);
            }
        }

        return unserializable;
    }

    private static string? SerializationProblemOf(MapperModel mapper, DomainEventModel domainEvent)
    {
        var context = mapper.JsonContextDisplayName;
        var listing = mapper.SerializableTypes.FirstOrDefault(type => type.TypeName == domainEvent.TypeName);
        if (listing is null)
        {
            return "mapper '" + mapper.DisplayName + "' serializes through '" + context + "', which does not list it; add "
                + "[JsonSerializable(typeof(" + domainEvent.DisplayName + "))] to '" + context + "'";
        }

        var sharer = mapper.SerializableTypes.FirstOrDefault(type => type.PropertyName == listing.PropertyName && type.TypeName != listing.TypeName);
        return sharer is null
            ? null
            : "'" + context + "' serves it through property '" + listing.PropertyName + "', which it also uses for '"
                + DisplayNameOf(sharer.TypeName) + "', so System.Text.Json generates only one of them; give its [JsonSerializable] "
                + "attribute a TypeInfoPropertyName such as \"" + domainEvent.EventType + "V"
                + domainEvent.EventVersion.ToString(CultureInfo.InvariantCulture) + "\"";
    }

    private static string DisplayNameOf(string fullyQualifiedName) =>
        fullyQualifiedName.StartsWith(GlobalPrefix, StringComparison.Ordinal) ? fullyQualifiedName.Substring(GlobalPrefix.Length) : fullyQualifiedName;
}
