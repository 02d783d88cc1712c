namespace EventStore.Dapper;

/// <summary>Checks the poison-event options, apart from the rest so that the checks of each feature stay with it.</summary>
internal static class PoisonEventOptions
{
    public static void Validate(ConsumerProcessorOptions options)
    {
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentException(
                $"MaxAttempts is {options.MaxAttempts}, but an event needs at least 1 attempt before it counts as poison. Set MaxAttempts to 1 or more.",
                nameof(options));
        }

        if (!Enum.IsDefined(options.PoisonEventHandling))
        {
            throw new ArgumentException(
                $"PoisonEventHandling {options.PoisonEventHandling} is not a PoisonEventHandling; use Stop or DeadLetter.", nameof(options));
        }
    }
}
