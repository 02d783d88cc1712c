namespace EventStore.Dapper;

/// <summary>What <see cref="PostgresEventStore.ArchivePartitionsAsync"/> did.</summary>
/// <param name="Archived">The partitions detached, oldest first; empty when none could be.</param>
/// <param name="HeldBack">The consumer whose checkpoint kept the next partition attached, or null when none did.</param>
public sealed record PartitionArchival(IReadOnlyList<LogPartition> Archived, ArchiveHold? HeldBack);

/// <summary>A partition of the events table, by name and the positions it holds.</summary>
/// <param name="Name">The partition's table, as PostgreSQL names it in the events table's schema.</param>
/// <param name="FirstPosition">The lowest position it can hold.</param>
/// <param name="LastPosition">The highest position it can hold.</param>
public sealed record LogPartition(string Name, long FirstPosition, long LastPosition);

/// <summary>A partition that stays attached because a consumer has not handled all of it.</summary>
/// <param name="Partition">The partition kept.</param>
/// <param name="Consumer">The consumer with the lowest checkpoint.</param>
/// <param name="Checkpoint">That consumer's checkpoint: it has handled the positions up to it, and the partition holds later ones.</param>
public sealed record ArchiveHold(LogPartition Partition, string Consumer, long Checkpoint);
