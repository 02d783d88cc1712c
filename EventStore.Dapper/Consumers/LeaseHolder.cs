namespace EventStore.Dapper;

/// <summary>Who holds, or asks for, a consumer's table lease, and for how long each take or renewal lasts.</summary>
/// <param name="ConsumerName">The consumer.</param>
/// <param name="Owner">This processor instance's name for itself: host, process and a random part, unique per run.</param>
/// <param name="Duration">How long the lease lasts after each take or renewal without another.</param>
internal sealed record LeaseHolder(string ConsumerName, string Owner, TimeSpan Duration);
