using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EventStore.Tests.Store;

/// <summary>Keeps every message at every level, since the store logs only at Debug.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Enqueue(formatter(state, exception));
}
