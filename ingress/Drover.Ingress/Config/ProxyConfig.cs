using Drover.Api;
using Drover.Ingress.Routing;
using Drover.Ingress.Tls;

namespace Drover.Ingress.Config;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// One immutable snapshot of everything a request needs. The proxy reads the current one once per
/// request; a reload swaps in a new one, and requests in flight finish on the one they started with.
/// </summary>
public sealed class ProxyConfig
{
    public ProxyConfig(long generation, RouteTable<RouteTarget> routes, SniCertificates certificates, IReadOnlyList<Ingress> served, IReadOnlyList<Backend> backends, IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(warnings);
        Generation = generation;
        Routes = routes;
        Certificates = certificates;
        Served = served;
        Backends = backends;
        Warnings = warnings;
    }

    public long Generation { get; }
    public RouteTable<RouteTarget> Routes { get; }
    public SniCertificates Certificates { get; }

    /// <summary>The ingresses of our class, oldest first: their status gets our address.</summary>
    public IReadOnlyList<Ingress> Served { get; }

    public IReadOnlyList<Backend> Backends { get; }

    /// <summary>What was skipped and why (unknown pathType, missing TLS secret…), for the log.</summary>
    public IReadOnlyList<string> Warnings { get; }
}
