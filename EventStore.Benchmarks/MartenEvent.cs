namespace EventStore.Benchmarks;

/// <summary>The event Marten stores: the same fields our JSON payload carries.</summary>
/// <param name="Total">An order total.</param>
/// <param name="Note">Some text, to give the payload a realistic size.</param>
public sealed record MartenEvent(decimal Total, string Note);
