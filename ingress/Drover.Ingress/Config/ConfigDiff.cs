namespace Drover.Ingress.Config;

/// <summary>
/// What changed between two snapshots, in words for the log: hosts and backends that came or went and
/// addresses added to or removed from a backend. Empty when a rebuild changed nothing that routes.
/// </summary>
public static class ConfigDiff
{
    public static IReadOnlyList<string> Between(ProxyConfig? before, ProxyConfig after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<string>();
        var oldHosts = Hosts(before);
        var newHosts = Hosts(after);
        foreach (var host in newHosts.Except(oldHosts).Order(StringComparer.Ordinal))
            changes.Add($"+host {host}");
        foreach (var host in oldHosts.Except(newHosts).Order(StringComparer.Ordinal))
            changes.Add($"-host {host}");

        var oldBackends = (before?.Backends ?? []).ToDictionary(b => b.Key, StringComparer.Ordinal);
        foreach (var backend in after.Backends.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            var now = backend.Destinations.Select(d => d.Address).ToHashSet(StringComparer.Ordinal);
            if (!oldBackends.Remove(backend.Key, out var old))
            {
                changes.Add($"+backend {backend.Key} [{string.Join(' ', now.Order(StringComparer.Ordinal))}]");
                continue;
            }
            var then = old.Destinations.Select(d => d.Address).ToHashSet(StringComparer.Ordinal);
            var added = now.Except(then).Order(StringComparer.Ordinal).Select(a => "+" + a);
            var removed = then.Except(now).Order(StringComparer.Ordinal).Select(a => "-" + a);
            var delta = string.Join(' ', added.Concat(removed));
            if (delta.Length > 0)
                changes.Add($"backend {backend.Key}: {delta}");
        }
        foreach (var key in oldBackends.Keys.Order(StringComparer.Ordinal))
            changes.Add($"-backend {key}");
        return changes;
    }

    private static HashSet<string> Hosts(ProxyConfig? config)
    {
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        if (config is null)
            return hosts;
        hosts.UnionWith(config.Routes.Exact.Keys);
        hosts.UnionWith(config.Routes.Wildcard.Keys.Select(suffix => "*." + suffix));
        if (config.Routes.AnyHost is not null)
            hosts.Add("*");
        return hosts;
    }
}
