namespace Drover.Ingress.Routing;

/// <summary>
/// Collects rules from every served ingress, in any order, and freezes them into a <see cref="RouteTable{TTarget}"/>.
/// <c>order</c> is the ingress's age rank (0 = oldest): among equal rules and among defaultBackends the oldest wins.
/// </summary>
public sealed class RouteTableBuilder<TTarget>
    where TTarget : class
{
    private readonly Dictionary<string, HostEntry> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private (TTarget Target, int Order)? _default;

    /// <param name="host">A rule's host: exact, "*.suffix", or null/empty for every host.</param>
    public RouteTableBuilder<TTarget> Add(string? host, string path, PathMatchKind kind, TTarget target, int order)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(target);
        Entry(host).Rules.Add(new PathRule<TTarget>(path, kind, target, order));
        return this;
    }

    /// <summary>An ingress's defaultBackend, for requests to <paramref name="host"/> that match none of its paths.</summary>
    public RouteTableBuilder<TTarget> AddHostFallback(string? host, TTarget target, int order)
    {
        ArgumentNullException.ThrowIfNull(target);
        var entry = Entry(host);
        if (entry.Fallback is null || order < entry.Fallback.Value.Order)
            entry.Fallback = (target, order);
        return this;
    }

    /// <summary>An ingress's defaultBackend, for requests that match no host at all.</summary>
    public RouteTableBuilder<TTarget> AddDefault(TTarget target, int order)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_default is null || order < _default.Value.Order)
            _default = (target, order);
        return this;
    }

    public RouteTable<TTarget> Build()
    {
        var exact = new Dictionary<string, HostRoutes<TTarget>>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, HostRoutes<TTarget>>(StringComparer.OrdinalIgnoreCase);
        HostRoutes<TTarget>? anyHost = null;
        foreach (var (host, entry) in _hosts)
        {
            var rules = entry.Rules.ToArray();
            Array.Sort(rules, PathRule<TTarget>.Compare);
            var routes = new HostRoutes<TTarget>(rules, entry.Fallback?.Target);
            if (host.Length == 0)
                anyHost = routes;
            else if (HostName.WildcardSuffix(host) is { } suffix)
                wildcard[suffix] = routes;
            else
                exact[host] = routes;
        }
        return new RouteTable<TTarget>(exact, wildcard, anyHost, _default?.Target);
    }

    private HostEntry Entry(string? host)
    {
        var key = (host ?? "").Trim().TrimEnd('.').ToLowerInvariant();
        if (!_hosts.TryGetValue(key, out var entry))
            _hosts[key] = entry = new HostEntry();
        return entry;
    }

    private sealed class HostEntry
    {
        public List<PathRule<TTarget>> Rules { get; } = [];
        public (TTarget Target, int Order)? Fallback { get; set; }
    }
}
