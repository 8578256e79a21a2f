using Drover.Api;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// What the agent answers on each <c>healthCheckNodePort</c> (kube-proxy's service health server): for every
/// LoadBalancer Service with <c>externalTrafficPolicy: Local</c> and a health-check port, the number of its ready
/// endpoints on this node (distinct addresses over all its ports, as kube-proxy counts them). An external load balancer
/// sends traffic only to the nodes that answer 200, so none reaches a node that would drop it. Pure.
/// </summary>
internal static class HealthCheckModel
{
    public static Dictionary<int, HealthCheckTarget> Build(IEnumerable<Service> services, IEnumerable<EndpointSlice> slices, string? nodeName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(slices);
        var local = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (nodeName is null || slice.AddressType != "IPv4" || slice.Metadata.Labels?.GetValueOrDefault(WellKnownLabels.ServiceName) is not { Length: > 0 } owner)
                continue;
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint is null || endpoint.NodeName != nodeName || endpoint.Conditions?.Ready == false || endpoint.Conditions?.Terminating == true
                    || endpoint.Addresses is not [{ Length: > 0 } address, ..])
                    continue;
                var key = $"{slice.Metadata.Namespace}/{owner}";
                if (!local.TryGetValue(key, out var addresses))
                    local[key] = addresses = new HashSet<string>(StringComparer.Ordinal);
                addresses.Add(address);
            }
        }
        var result = new Dictionary<int, HealthCheckTarget>();
        foreach (var service in services)
        {
            var spec = service.Spec;
            if (spec.Type != "LoadBalancer" || spec.ExternalTrafficPolicy != "Local" || spec.HealthCheckNodePort is not { } port || port is < 1 or > 65535)
                continue;
            var ns = service.Metadata.Namespace ?? "";
            var name = service.Metadata.Name ?? "";
            // droverd allocates each port once; a second claim (a corrupted store) keeps the first, as a bind would.
            result.TryAdd(port, new HealthCheckTarget(ns, name, local.GetValueOrDefault($"{ns}/{name}")?.Count ?? 0));
        }
        return result;
    }
}

/// <summary>One Service's health check: its name and its ready endpoints on this node.</summary>
internal sealed record HealthCheckTarget(string Namespace, string Name, int LocalEndpoints);
