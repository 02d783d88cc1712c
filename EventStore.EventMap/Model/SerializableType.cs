namespace EventStore.EventMap.Model;

/// <summary>A type a JSON context lists with <c>[JsonSerializable]</c>.</summary>
/// <param name="TypeName">The fully qualified type name.</param>
/// <param name="PropertyName">
/// The name of the context property that serves the type. System.Text.Json serves only one of the types that share a
/// property name, so two listed events must not.
/// </param>
internal sealed record SerializableType(string TypeName, string PropertyName);
