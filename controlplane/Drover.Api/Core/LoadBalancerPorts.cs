namespace Drover.Api;

/// <summary>
/// Which LoadBalancer Services are served, as k3s's ServiceLB decides: each one's ports on every node's addresses, so
/// one protocol/port can belong to one Service only. klipper-lb's pod cannot bind a host port that another one holds, so
/// the older Service (then namespace/name) keeps a contested port and the younger stays pending with no ingress; a port
/// that is some Service's node port is taken too. One rule for droverd (status.loadBalancer) and every agent's proxy.
/// </summary>
public static class LoadBalancerPorts
{
    /// <summary>The namespace/name of every LoadBalancer Service whose ports are all its own.</summary>
    public static HashSet<string> Served(IEnumerable<Service> services) => Served(services, pending: null);

    /// <summary>
    /// As <see cref="Served(IEnumerable{Service})"/>; every LoadBalancer Service left pending goes into
    /// <paramref name="pending"/> with the reason in words (the port and who holds it), for its Event.
    /// </summary>
    public static HashSet<string> Served(IEnumerable<Service> services, Dictionary<string, string>? pending)
    {
        ArgumentNullException.ThrowIfNull(services);
        var all = services.Where(s => s?.Spec is not null).ToList();
        var taken = new Dictionary<(string, int), string>();
        foreach (var service in all)
            foreach (var port in service.Spec.Ports ?? [])
                if (port?.NodePort is > 0 and var nodePort && service.Spec.Type is "NodePort" or "LoadBalancer")
                    taken.TryAdd((Protocol(port), nodePort), $"node port of {Key(service)}");
        var served = new HashSet<string>(StringComparer.Ordinal);
        var candidates = all.Where(s => s.Spec.Type == "LoadBalancer" && s.Metadata.DeletionTimestamp is null)
            .OrderBy(s => s.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
            .ThenBy(s => Key(s), StringComparer.Ordinal);
        foreach (var service in candidates)
        {
            var ports = (service.Spec.Ports ?? []).Where(p => p is { Port: >= 1 and <= 65535 }).Select(p => (Protocol(p), p.Port)).Distinct().ToList();
            if (ports.Count == 0)
            {
                pending?.Add(Key(service), "no port to serve");
                continue;
            }
            if (ports.FirstOrDefault(taken.ContainsKey) is ({ } protocol, var number) && taken[(protocol, number)] is var holder)
            {
                pending?.Add(Key(service), $"no free port on any node: {protocol}/{number} is the {holder}");
                continue;
            }
            foreach (var port in ports)
                taken[port] = $"load balancer port of {Key(service)}";
            served.Add(Key(service));
        }
        return served;
    }

    public static string Key(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"{service.Metadata.Namespace}/{service.Metadata.Name}";
    }

    private static string Protocol(ServicePort port) => (port.Protocol ?? "TCP").ToUpperInvariant();
}
