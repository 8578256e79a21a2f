namespace Drover.Ingress.Config;

/// <summary>
/// Holds the current snapshot. The proxy reads it with one volatile read per request; the updater
/// swaps a whole new one in. Nothing in a snapshot is ever mutated after it is published.
/// </summary>
public sealed class ProxyConfigSource
{
    private ProxyConfig? _current;

    public ProxyConfig? Current => Volatile.Read(ref _current);

    /// <summary>Publishes <paramref name="next"/>; returns the one it replaces.</summary>
    public ProxyConfig? Swap(ProxyConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }
}
