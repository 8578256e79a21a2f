using System.Globalization;
using Drover.Api;
using Drover.Ingress.Metrics;
using Drover.Ingress.Routing;
using Drover.Ingress.Tls;

namespace Drover.Ingress.Config;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// Turns the watched objects into a <see cref="ProxyConfig"/>: the ingresses of our class, oldest first,
/// become a route table whose targets are backends resolved Service → port → Endpoints (ready addresses
/// only); spec.tls becomes the SNI map. Pure apart from the caches it reuses; builds are serialised.
/// </summary>
public sealed class ProxyConfigBuilder
{
    private readonly string _className;
    private readonly DestinationRegistry _destinations;
    private readonly CertificateCache _certificates;
    private readonly IngressMetrics _metrics;
    private readonly TlsCertificate _fallback;
    private HashSet<string> _gaugedBackends = new(StringComparer.Ordinal);

    public ProxyConfigBuilder(string className, DestinationRegistry destinations, CertificateCache certificates, IngressMetrics metrics, TlsCertificate fallback)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(fallback);
        _className = className;
        _destinations = destinations;
        _certificates = certificates;
        _metrics = metrics;
        _fallback = fallback;
    }

    public ProxyConfig Build(ClusterObjects objects, long generation)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var build = new BuildState(this, objects);
        var served = objects.Ingresses
            .Where(i => IngressClassFilter.IsServed(i, _className, objects.IngressClasses))
            .OrderBy(i => i.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
            .ThenBy(i => i.Metadata.Namespace, StringComparer.Ordinal)
            .ThenBy(i => i.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        var routes = new RouteTableBuilder<RouteTarget>();
        var byHost = new Dictionary<string, TlsCertificate>(StringComparer.OrdinalIgnoreCase);
        TlsCertificate? defaultCertificate = null;
        for (var order = 0; order < served.Count; order++)
        {
            var ingress = served[order];
            build.AddRoutes(routes, ingress, order);
            build.AddCertificates(ingress, byHost, ref defaultCertificate);
        }
        _certificates.Sweep();
        _destinations.RetainOnly(build.Addresses);
        // Backends that are gone stop being exported rather than freezing at their last count.
        foreach (var gone in _gaugedBackends.Where(k => !build.Backends.ContainsKey(k)))
            _metrics.ReadyEndpoints.RemoveLabelled(gone);
        _gaugedBackends = [.. build.Backends.Keys];
        return new ProxyConfig(generation, routes.Build(), new SniCertificates(byHost, defaultCertificate ?? _fallback), served, [.. build.Backends.Values], build.Warnings);
    }

    /// <summary>Per-build scratch: backends and targets are shared by every rule that names the same thing.</summary>
    private sealed class BuildState(ProxyConfigBuilder owner, ClusterObjects objects)
    {
        private readonly Dictionary<(string Ingress, string Backend, bool Redirect), RouteTarget> _targets = [];

        public Dictionary<string, Backend> Backends { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Addresses { get; } = new(StringComparer.Ordinal);
        public List<string> Warnings { get; } = [];

        public void AddRoutes(RouteTableBuilder<RouteTarget> routes, Ingress ingress, int order)
        {
            var key = ClusterObjects.Key(ingress);
            var ns = ingress.Metadata.Namespace ?? "default";
            var fallback = ingress.Spec.DefaultBackend is { } defaultBackend ? Target(ingress, key, ns, defaultBackend, null, "spec.defaultBackend") : null;
            var rules = ingress.Spec.Rules ?? [];
            for (var r = 0; r < rules.Count; r++)
            {
                var rule = rules[r];
                if (rule is null)
                    continue;
                if (fallback is not null)
                    routes.AddHostFallback(rule.Host, fallback, order);
                var paths = rule.Http?.Paths ?? [];
                for (var p = 0; p < paths.Count; p++)
                {
                    var path = paths[p];
                    var field = $"spec.rules[{r.ToString(CultureInfo.InvariantCulture)}].http.paths[{p.ToString(CultureInfo.InvariantCulture)}]";
                    if (PathTypes.Parse(path.PathType) is not { } kind)
                    {
                        Warnings.Add($"ingress {key}: {field}.pathType \"{path.PathType}\" is not Exact, Prefix or ImplementationSpecific: path skipped");
                        continue;
                    }
                    if (Target(ingress, key, ns, path.Backend, rule.Host, field + ".backend") is { } target)
                        routes.Add(rule.Host, string.IsNullOrEmpty(path.Path) ? "/" : path.Path, kind, target, order);
                }
            }
            if (fallback is not null)
                routes.AddDefault(fallback, order);
        }

        public void AddCertificates(Ingress ingress, Dictionary<string, TlsCertificate> byHost, ref TlsCertificate? defaultCertificate)
        {
            var key = ClusterObjects.Key(ingress);
            foreach (var tls in ingress.Spec.Tls ?? [])
            {
                if (tls is null || string.IsNullOrEmpty(tls.SecretName))
                    continue;
                var secretKey = $"{ingress.Metadata.Namespace}/{tls.SecretName}";
                if (!objects.Secrets.TryGetValue(secretKey, out var secret))
                {
                    Warnings.Add($"ingress {key}: TLS secret {secretKey} not found (or not of type {TlsCertificate.SecretType}): its hosts get the fallback certificate");
                    continue;
                }
                TlsCertificate certificate;
                try
                {
                    certificate = owner._certificates.Get(secret);
                }
                catch (TlsSecretException e)
                {
                    Warnings.Add($"ingress {key}: TLS secret {secretKey}: {e.Message}");
                    continue;
                }
                if (tls.Hosts is not { Count: > 0 } hosts)
                {
                    defaultCertificate ??= certificate;
                    continue;
                }
                foreach (var host in hosts)
                    if (!string.IsNullOrEmpty(host))
                        byHost.TryAdd(host.ToLowerInvariant(), certificate);   // the older ingress keeps a host
            }
        }

        private RouteTarget? Target(Ingress ingress, string ingressKey, string ns, IngressBackend backend, string? host, string field)
        {
            if (backend.Service is not { Name.Length: > 0 } service)
            {
                Warnings.Add($"ingress {ingressKey}: {field}: only service backends are supported: skipped");
                return null;
            }
            var resolved = Resolve(ns, service);
            var redirect = SslRedirectPolicy.Redirects(ingress, host);
            if (!_targets.TryGetValue((ingressKey, resolved.Key, redirect), out var target))
            {
                target = new RouteTarget(ingressKey, resolved, redirect, owner._metrics.For(ingressKey, ns + "/" + service.Name));
                _targets[(ingressKey, resolved.Key, redirect)] = target;
            }
            return target;
        }

        private Backend Resolve(string ns, IngressServiceBackend reference)
        {
            var port = reference.Port?.Number?.ToString(CultureInfo.InvariantCulture) ?? reference.Port?.Name ?? "";
            var key = $"{ns}/{reference.Name}:{port}";
            if (Backends.TryGetValue(key, out var existing))
                return existing;
            var (destinations, problem) = Destinations(ns, reference, port);
            var backend = new Backend(ns, reference.Name, port, destinations, problem);
            Backends[key] = backend;
            owner._metrics.ReadyEndpoints.WithLabels(key).Set(destinations.Count);
            return backend;
        }

        private (List<Destination> Destinations, string? Problem) Destinations(string ns, IngressServiceBackend reference, string port)
        {
            var name = $"{ns}/{reference.Name}";
            if (!objects.Services.TryGetValue(name, out var service))
                return ([], $"service {name} not found");
            if (service.Spec.Type == "ExternalName")
                return ([], $"service {name} is of type ExternalName, which the ingress does not proxy");
            var servicePort = service.Spec.Ports?.FirstOrDefault(p => p is not null && (reference.Port?.Number is { } number ? p.Port == number : p.Name == reference.Port?.Name));
            if (servicePort is null)
                return ([], $"service {name} has no port {(port.Length == 0 ? "(none given)" : port)}");
            var result = new List<Destination>();
            if (objects.Endpoints.TryGetValue(name, out var endpoints))
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var subset in endpoints.Subsets ?? [])
                {
                    // Endpoints ports carry the service port's name (none for a single unnamed port).
                    var endpointPort = subset?.Ports?.FirstOrDefault(p => p is not null && string.Equals(p.Name ?? "", servicePort.Name ?? "", StringComparison.Ordinal));
                    if (endpointPort is null || endpointPort.Port is <= 0 or > 65535)
                        continue;
                    foreach (var address in subset!.Addresses ?? [])
                    {
                        if (string.IsNullOrEmpty(address?.Ip))
                            continue;
                        var destination = new Destination(address.Ip, endpointPort.Port, owner._destinations.HealthOf(Destination.FormatAddress(address.Ip, endpointPort.Port)));
                        if (seen.Add(destination.Address))
                        {
                            result.Add(destination);
                            Addresses.Add(destination.Address);
                        }
                    }
                }
            }
            result.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
            return (result, result.Count == 0 ? $"service {name} (port {port}) has no ready endpoint" : null);
        }
    }
}
