namespace EventStore.Tests;

/// <summary>How a test's clients reach the run's PostgreSQL server.</summary>
public enum ServerRoute
{
    /// <summary>Straight to PostgreSQL.</summary>
    Direct,

    /// <summary>Through the run's PgBouncer in transaction pooling mode (<see cref="TestPooler"/>).</summary>
    PgBouncer,
}
