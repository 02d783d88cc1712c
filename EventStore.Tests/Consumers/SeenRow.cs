namespace EventStore.Tests.Consumers;

/// <summary>One row of the <c>seen</c> table: an event as a consumer committed it.</summary>
/// <param name="Seq">The delivery order: taken from a sequence by the insert, so it ascends with the handler calls.</param>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="EventId">The event.</param>
/// <param name="GlobalPosition">Its position in the log.</param>
/// <param name="AggregateType">Its aggregate's type.</param>
/// <param name="AggregateId">Its aggregate.</param>
/// <param name="AggregateVersion">Its version in the aggregate.</param>
/// <param name="Instance">The application name of the connection that handled it, which names the processor instance.</param>
/// <param name="TransactionId">The transaction the handler ran in.</param>
/// <param name="SeenAt">The server's clock when the handler inserted the row.</param>
internal sealed record SeenRow(
    long Seq,
    string Consumer,
    Guid EventId,
    long GlobalPosition,
    string AggregateType,
    string AggregateId,
    long AggregateVersion,
    string Instance,
    long TransactionId,
    DateTime SeenAt);
