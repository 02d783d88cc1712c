using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EventStore.Tests.Consumers;

/// <summary>A logger that keeps every entry at Information and above, to check what the processor reports.</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    /// <summary>The warnings and errors, with their exceptions' messages, oldest first.</summary>
    public IEnumerable<string> Problems => Entries.Where(entry => entry.Level >= LogLevel.Warning).Select(entry => $"{entry.Level}: {entry.Message}");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            var message = formatter(state, exception);
            Entries.Enqueue((logLevel, exception is null ? message : $"{message} ({exception.GetType().Name}: {exception.Message})"));
        }
    }
}
