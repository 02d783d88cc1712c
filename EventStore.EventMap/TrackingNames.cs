namespace EventStore.EventMap;

/// <summary>Names of the pipeline steps, so tests can check which steps the driver reused from its cache.</summary>
internal static class TrackingNames
{
    public const string DomainEvents = nameof(DomainEvents);
    public const string AllDomainEvents = nameof(AllDomainEvents);
    public const string Mappers = nameof(Mappers);
    public const string GuidVersion7 = nameof(GuidVersion7);
    public const string MapperPlans = nameof(MapperPlans);
}
