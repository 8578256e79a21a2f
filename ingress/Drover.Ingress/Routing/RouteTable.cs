namespace Drover.Ingress.Routing;

/// <summary>
/// The immutable lookup consulted once per request: exact host, else one-label wildcard host, else the
/// rules without a host; then that host's paths in precedence order; then its defaultBackend, then the
/// cluster-wide one. As in ingress-nginx, a host that matched does not fall through to a less specific
/// host's paths. Hosts compare case-insensitively (DNS), paths case-sensitively (Kubernetes).
/// </summary>
public sealed class RouteTable<TTarget>
    where TTarget : class
{
    private readonly Dictionary<string, HostRoutes<TTarget>>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly Dictionary<string, HostRoutes<TTarget>>.AlternateLookup<ReadOnlySpan<char>> _wildcard;

    internal RouteTable(Dictionary<string, HostRoutes<TTarget>> exact, Dictionary<string, HostRoutes<TTarget>> wildcard, HostRoutes<TTarget>? anyHost, TTarget? defaultTarget)
    {
        Exact = exact;
        Wildcard = wildcard;
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcard = wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
        AnyHost = anyHost;
        Default = defaultTarget;
    }

    public static RouteTable<TTarget> Empty { get; } = new RouteTableBuilder<TTarget>().Build();

    public IReadOnlyDictionary<string, HostRoutes<TTarget>> Exact { get; }

    /// <summary>Keyed by the suffix after "*.".</summary>
    public IReadOnlyDictionary<string, HostRoutes<TTarget>> Wildcard { get; }

    public HostRoutes<TTarget>? AnyHost { get; }
    public TTarget? Default { get; }

    /// <param name="host">The Host header (or :authority) as received, port included or not.</param>
    /// <param name="path">The decoded request path; empty means "/".</param>
    public RouteMatch<TTarget> Match(ReadOnlySpan<char> host, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
            path = "/";
        var routes = FindHost(HostName.WithoutPort(host));
        if (routes is not null)
        {
            if (routes.Match(path) is { } rule)
                return new RouteMatch<TTarget>(rule.Target, rule);
            if (routes.Fallback is { } fallback)
                return new RouteMatch<TTarget>(fallback, null);
        }
        return new RouteMatch<TTarget>(Default, null);
    }

    private HostRoutes<TTarget>? FindHost(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
            return AnyHost;
        if (_exact.TryGetValue(name, out var exact))
            return exact;
        var dot = name.IndexOf('.');
        // One label only: "*.example.com" takes "foo.example.com", whose suffix after the first label is
        // "example.com"; "a.b.example.com" has suffix "b.example.com" and "example.com" has "com".
        if (dot > 0 && dot < name.Length - 1 && _wildcard.TryGetValue(name[(dot + 1)..], out var wildcard))
            return wildcard;
        return AnyHost;
    }
}
