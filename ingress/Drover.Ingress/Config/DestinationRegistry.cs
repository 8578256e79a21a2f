using System.Collections.Concurrent;

namespace Drover.Ingress.Config;

/// <summary>Health state per address, shared by every snapshot; addresses no snapshot uses are forgotten.</summary>
public sealed class DestinationRegistry
{
    private readonly ConcurrentDictionary<string, DestinationHealth> _health = new(StringComparer.Ordinal);

    public DestinationHealth HealthOf(string address) => _health.GetOrAdd(address, static _ => new DestinationHealth());

    public int Count => _health.Count;

    public void RetainOnly(IReadOnlySet<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var address in _health.Keys)
            if (!addresses.Contains(address))
                _health.TryRemove(address, out _);
    }
}
