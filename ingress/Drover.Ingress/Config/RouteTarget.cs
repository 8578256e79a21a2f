using Drover.Ingress.Metrics;

namespace Drover.Ingress.Config;

/// <summary>What a matched rule leads to: the backend, the ingress it came from, and per-rule behaviour.</summary>
public sealed class RouteTarget
{
    public RouteTarget(string ingress, Backend backend, bool sslRedirect, RouteMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(metrics);
        Ingress = ingress;
        Backend = backend;
        SslRedirect = sslRedirect;
        Metrics = metrics;
    }

    /// <summary>"namespace/name" of the ingress.</summary>
    public string Ingress { get; }
    public Backend Backend { get; }

    /// <summary>Plain-HTTP requests get a 308 to https (the rule's host has TLS, or the annotation asks for it).</summary>
    public bool SslRedirect { get; }

    public RouteMetrics Metrics { get; }
}
