namespace Drover.Ingress.Routing;

/// <summary>The paths of one host, in precedence order, and where unmatched requests to that host go.</summary>
public sealed class HostRoutes<TTarget>
    where TTarget : class
{
    private readonly PathRule<TTarget>[] _rules;

    internal HostRoutes(PathRule<TTarget>[] rules, TTarget? fallback)
    {
        _rules = rules;
        Fallback = fallback;
    }

    public IReadOnlyList<PathRule<TTarget>> Rules => _rules;

    /// <summary>The defaultBackend of an ingress that has rules for this host (the oldest one's), if any.</summary>
    public TTarget? Fallback { get; }

    public PathRule<TTarget>? Match(string requestPath)
    {
        foreach (var rule in _rules)
            if (rule.Matches(requestPath))
                return rule;
        return null;
    }
}
