using Microsoft.Extensions.Logging;

namespace Drover.Agent.Logging;

/// <summary>
/// The agent's logger factory: every category writes one line per entry to stdout, synchronously. It replaces
/// Microsoft.Extensions.Logging with its console provider, whose background queue thread, options and
/// dependency-injection plumbing cost the agent a thread and megabytes of image and heap for what is, on a node
/// agent, one line at a time. Providers added through <see cref="AddProvider"/> also get every entry (tests).
/// </summary>
internal sealed class LineLoggerFactory : ILoggerFactory
{
    private readonly LineWriter _writer;
    private readonly LogLevel _minimum;
    private readonly List<ILoggerProvider> _providers = [];

    public LineLoggerFactory(LogLevel minimum, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _minimum = minimum;
        _writer = new LineWriter(output);
    }

    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        ILoggerProvider[] extra;
        lock (_providers)
            extra = [.. _providers];
        return new LineLogger(categoryName, _minimum, _writer, [.. extra.Select(p => p.CreateLogger(categoryName))]);
    }

    public void AddProvider(ILoggerProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (_providers)
            _providers.Add(provider);
    }

    public void Dispose()
    {
        lock (_providers)
        {
            foreach (var provider in _providers)
                provider.Dispose();
            _providers.Clear();
        }

        _writer.Dispose();
    }
}
