using Microsoft.Extensions.Options;

namespace EventStore.Dapper;

/// <summary>Validates options by rendering the statements from them, the same check a store makes when it is built.</summary>
internal sealed class EventStoreOptionsValidator : IValidateOptions<EventStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, EventStoreOptions options)
    {
        try
        {
            _ = new SqlDialect(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException invalid)
        {
            return ValidateOptionsResult.Fail(invalid.Message);
        }
    }
}
