namespace EventStore.Dapper;

/// <summary>A validated table name and its optional schema.</summary>
internal sealed record QualifiedName(string? Schema, string Name);
