using EventStore.EventMap.Emitting;
using EventStore.EventMap.Model;
using EventStore.EventMap.Planning;
using EventStore.EventMap.Reading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventStore.EventMap;

/// <summary>
/// Generates event mappers: fills each <c>[EventMapper]</c> static partial class with methods that convert the
/// project's <c>[DomainEvent]</c> types to and from EventStore for .NET events through a source-generated JSON context.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class EventMapGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(AttributeSources.AddTo);

        var domainEvents = context.SyntaxProvider
            .ForAttributeWithMetadataName(AttributeSources.DomainEventMetadataName, static (node, _) => node is TypeDeclarationSyntax, static (target, _) => DomainEventReader.Read(target))
            .WithTrackingName(TrackingNames.DomainEvents);

        // An event's own problems are reported once here, not once per mapper that might have covered it.
        context.RegisterSourceOutput(domainEvents, static (output, domainEvent) => Report(output, domainEvent.Problems));

        var allDomainEvents = domainEvents
            .Collect()
            .Select(static (all, _) => new EquatableArray<DomainEventModel>(all))
            .WithTrackingName(TrackingNames.AllDomainEvents);

        var mappers = context.SyntaxProvider
            .ForAttributeWithMetadataName(AttributeSources.EventMapperMetadataName, static (node, _) => node is TypeDeclarationSyntax, MapperReader.Read)
            .Where(static mapper => mapper is not null)
            .Select(static (mapper, _) => mapper!)
            .WithTrackingName(TrackingNames.Mappers);

        var useVersion7Guids = context.CompilationProvider
            .Select(static (compilation, _) => HasGuidCreateVersion7(compilation))
            .WithTrackingName(TrackingNames.GuidVersion7);

        var plans = mappers
            .Combine(allDomainEvents)
            .Combine(useVersion7Guids)
            .Select(static (input, _) => MapperPlanner.Plan(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.MapperPlans);

        context.RegisterSourceOutput(plans, static (output, plan) =>
        {
            Report(output, plan.Diagnostics);
            if (plan.CanEmit)
            {
                output.AddSource(MapperEmitter.HintNameOf(plan), MapperEmitter.Emit(plan));
            }
        });
    }

    private static void Report(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }

    private static bool HasGuidCreateVersion7(Compilation compilation) =>
        compilation.GetTypeByMetadataName("System.Guid")?
            .GetMembers("CreateVersion7")
            .OfType<IMethodSymbol>()
            .Any(method => method.IsStatic && method.Parameters.IsEmpty) == true;
}
