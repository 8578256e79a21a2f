using Drover.Api;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// What the proxy serves, from Services and their EndpointSlices (kube-proxy's ServicePortName → endpoints):
/// every port of every Service with a cluster IP, with the endpoints whose slices say ready (a missing condition
/// counts as ready, as the API defines; terminating endpoints are never ready). Pure.
/// </summary>
internal static class ProxyModel
{

    /// <summary>Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours), for a Service stored before the field.</summary>
    public const int DefaultAffinitySeconds = 10800;

    /// <summary>The kernel's own ceiling is far above; this is the API's (one day), so a bad stored value cannot reach nft.</summary>
    private const int MaxAffinitySeconds = 86400;

    /// <summary>
    /// <paramref name="nodeName"/> is this node's: the endpoints whose slices name it are the ones a Local traffic
    /// policy keeps.
    /// </summary>
    public static Dictionary<string, ProxiedPort> Build(IEnumerable<Service> services, IEnumerable<EndpointSlice> slices, string? nodeName = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(slices);
        var byService = new Dictionary<string, List<EndpointSlice>>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (slice.AddressType != "IPv4" || slice.Metadata.Labels?.GetValueOrDefault(WellKnownLabels.ServiceName) is not { Length: > 0 } owner)
                continue;
            var key = $"{slice.Metadata.Namespace}/{owner}";
            if (!byService.TryGetValue(key, out var list))
                byService[key] = list = [];
            list.Add(slice);
        }
        var result = new Dictionary<string, ProxiedPort>(StringComparer.Ordinal);
        var all = services.ToList();
        // LoadBalancer as k3s's ServiceLB: the service port on every node's addresses, for the Services droverd gives ingress IPs.
        var loadBalanced = LoadBalancerPorts.Served(all);
        foreach (var service in all)
        {
            var spec = service.Spec;
            if (spec.Type == "ExternalName" || Ipv4(spec.ClusterIP) is not { } clusterIp)
                continue;
            var serviceKey = $"{service.Metadata.Namespace}/{service.Metadata.Name}";
            var serviceSlices = byService.GetValueOrDefault(serviceKey) ?? [];
            foreach (var port in spec.Ports ?? [])
            {
                if (port is null || port.Port is < 1 or > 65535)
                    continue;
                var protocol = (port.Protocol ?? "TCP").ToLowerInvariant();
                if (protocol is not ("tcp" or "udp"))
                    continue;
                var name = port.Name ?? "";
                var endpoints = new SortedSet<ProxyEndpoint>(Comparer<ProxyEndpoint>.Create((a, b) => string.CompareOrdinal(a.Ip, b.Ip) is var c and not 0 ? c : a.Port.CompareTo(b.Port)));
                foreach (var slice in serviceSlices)
                {
                    var slicePort = slice.Ports?.Find(p => p is not null && (p.Name ?? "") == name && (p.Protocol ?? "TCP").Equals(port.Protocol ?? "TCP", StringComparison.OrdinalIgnoreCase));
                    if (slicePort?.Port is not { } number || number is < 1 or > 65535)
                        continue;
                    foreach (var endpoint in slice.Endpoints ?? [])
                    {
                        if (endpoint?.Conditions?.Ready == false || endpoint?.Conditions?.Terminating == true || endpoint?.Addresses is not [{ } address, ..] || Ipv4(address) is not { } ip)
                            continue;
                        endpoints.Add(new ProxyEndpoint(ip, number, nodeName is not null && endpoint.NodeName == nodeName));
                    }
                }
                var key = $"{serviceKey}:{(name.Length > 0 ? name : port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}/{protocol}";
                var nodePort = spec.Type is "NodePort" or "LoadBalancer" && port.NodePort is > 0 ? port.NodePort : null;
                result[key] = new ProxiedPort(key, clusterIp, protocol, port.Port, nodePort, [.. endpoints], AffinitySeconds(spec), loadBalanced.Contains(serviceKey),
                    InternalLocal: spec.InternalTrafficPolicy == "Local",
                    ExternalLocal: spec.ExternalTrafficPolicy == "Local" && spec.Type is "NodePort" or "LoadBalancer");
            }
        }
        return result;
    }

    private static int AffinitySeconds(ServiceSpec spec) =>
        spec.SessionAffinity != "ClientIP" ? 0
        : spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds is { } seconds ? Math.Clamp(seconds, 1, MaxAffinitySeconds)
        : DefaultAffinitySeconds;

    /// <summary>The address in canonical dotted form, or null: whatever reaches an nft script is one, whatever the API let through.</summary>
    private static string? Ipv4(string? text) =>
        text is { Length: > 0 } && System.Net.IPAddress.TryParse(text, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.ToString() == text
            ? text
            : null;
}
