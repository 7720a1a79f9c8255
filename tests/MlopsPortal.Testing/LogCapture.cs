using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MlopsPortal.Testing;

/// <summary>Keeps every log entry a host writes, for tests about what the portal says (and does not say) at start.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message);

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public IEnumerable<Entry> AtLeast(LogLevel level) => _entries.Where(e => e.Level >= level);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception)));
    }
}
