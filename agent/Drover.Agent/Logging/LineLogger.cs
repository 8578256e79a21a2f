using Microsoft.Extensions.Logging;

namespace Drover.Agent.Logging;

/// <summary>
/// One category's logger. The line keeps the shape the console logger gave (single-line, UTC):
/// <c>2026-11-28T08:15:36.066Z info: Category[EventId] message exception</c>; tools that count " fail: " or
/// " warn: " lines (the agent benchmark) read it as before.
/// </summary>
internal sealed class LineLogger : ILogger
{
    private readonly string _category;
    private readonly LogLevel _minimum;
    private readonly LineWriter _writer;
    private readonly ILogger[] _extra;

    public LineLogger(string category, LogLevel minimum, LineWriter writer, ILogger[] extra)
    {
        _category = category;
        _minimum = minimum;
        _writer = writer;
        _extra = extra;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (logLevel >= _minimum || _extra.Any(l => l.IsEnabled(logLevel)));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        foreach (var extra in _extra)
            extra.Log(logLevel, eventId, state, exception, formatter);
        if (logLevel < _minimum || logLevel == LogLevel.None)
            return;
        _writer.Write(DateTime.UtcNow, logLevel, _category, eventId.Id, formatter(state, exception), exception);
    }
}
