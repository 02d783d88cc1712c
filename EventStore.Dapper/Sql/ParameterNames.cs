namespace EventStore.Dapper;

/// <summary>The parameter names shared by the consumer statements and <see cref="ConsumerParameters"/>, which binds them.</summary>
internal static class ParameterNames
{
    public const string ConsumerName = "consumer_name";
    public const string ToPosition = "to_position";
}
