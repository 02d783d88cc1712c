namespace EventStore.EventMap.Model;

/// <summary>A mapper with the events it maps, in emission order, and every problem found in putting them together.</summary>
/// <param name="Mapper">The mapper class.</param>
/// <param name="Events">The usable events it covers, ordered by event type name, then version.</param>
/// <param name="Diagnostics">The mapper's own problems and those of its events that only this mapper can see.</param>
/// <param name="UseVersion7Guids">Whether the target framework has <c>Guid.CreateVersion7()</c>.</param>
internal sealed record MapperPlan(
    MapperModel Mapper,
    EquatableArray<DomainEventModel> Events,
    EquatableArray<DiagnosticInfo> Diagnostics,
    bool UseVersion7Guids)
{
    public bool CanEmit => Mapper.Problems.IsEmpty;
}
