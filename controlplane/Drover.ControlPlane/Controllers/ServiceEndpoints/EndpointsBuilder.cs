using Drover.Api;

namespace Drover.ControlPlane.Controllers.ServiceEndpoints;

/// <summary>
/// A Service's Endpoints from its selected pods, as Kubernetes' endpoints controller computes them: one
/// address per pod with an IP that is not terminating (ready ones under <c>addresses</c>, the others under
/// <c>notReadyAddresses</c>, or all ready with <c>publishNotReadyAddresses</c>), each service port resolved
/// against the pod (a named targetPort is looked up in its containers' ports, so pods that number a name
/// differently end up in different subsets), then repacked into subsets of addresses sharing a port set and
/// sorted, so the same pods always give the same object and an unchanged result is never written.
/// </summary>
internal static class EndpointsBuilder
{
    public static List<EndpointSubset> Build(Service service, IEnumerable<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(pods);
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var ports = service.Spec.Ports ?? [];
        var headless = service.Spec.ClusterIP == "None";
        // (address, ready) per port; a port of -1 stands for "no ports" (headless services without any).
        var byPort = new Dictionary<EndpointPort, Dictionary<AddressKey, (EndpointAddress Address, bool Ready)>>();
        foreach (var pod in pods)
        {
            if (!ShouldBeInEndpoints(pod, publishNotReady))
                continue;
            var address = AddressOf(service, pod);
            var ready = publishNotReady || IsReady(pod);
            if (ports.Count == 0)
            {
                if (headless)
                    Add(byPort, new EndpointPort { Port = -1 }, address, ready);
                continue;
            }
            foreach (var servicePort in ports)
            {
                if (servicePort is null || FindPort(pod, servicePort) is not { } number)
                    continue;
                Add(byPort, new EndpointPort
                {
                    Name = string.IsNullOrEmpty(servicePort.Name) ? null : servicePort.Name,
                    Port = number,
                    Protocol = servicePort.Protocol ?? "TCP",
                    AppProtocol = servicePort.AppProtocol,
                }, address, ready);
            }
        }
        return Repack(byPort);
    }

    /// <summary>Kubernetes' ShouldPodBeInEndpoints: it needs an IP, and terminating or finished pods are out.</summary>
    public static bool ShouldBeInEndpoints(Pod pod, bool includeTerminating)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (string.IsNullOrEmpty(pod.Status?.PodIP))
            return false;
        if (!includeTerminating && pod.Metadata.DeletionTimestamp is not null)
            return false;
        var phase = pod.Status?.Phase;
        return pod.Spec.RestartPolicy switch
        {
            "Never" => phase is not ("Failed" or "Succeeded"),
            "OnFailure" => phase != PodPhases.Succeeded,
            _ => true,
        };
    }

    public static bool IsReady(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        foreach (var condition in pod.Status?.Conditions ?? [])
        {
            if (condition?.Type == "Ready")
                return condition.Status == "True";
        }
        return false;
    }

    /// <summary>Kubernetes' FindPort: a number is used as it is, a name must match a container port of the same protocol.</summary>
    public static int? FindPort(Pod pod, ServicePort servicePort)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(servicePort);
        var target = servicePort.TargetPort ?? new IntOrString(servicePort.Port);
        if (!target.IsString)
            return target.IntValue == 0 ? servicePort.Port : target.IntValue;
        var name = target.StringValue;
        var protocol = servicePort.Protocol ?? "TCP";
        foreach (var container in pod.Spec.Containers ?? [])
        {
            foreach (var port in container?.Ports ?? [])
            {
                if (port?.Name == name && (port.Protocol ?? "TCP") == protocol)
                    return port.Port;
            }
        }
        return null;
    }

    /// <summary>Equal content, order included (both sides are built sorted, the stored one by this class).</summary>
    public static bool SameSubsets(List<EndpointSubset>? a, List<EndpointSubset>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
            return false;
        for (var i = 0; i < (a?.Count ?? 0); i++)
        {
            var x = a![i];
            var y = b![i];
            if (!SameList(x.Addresses, y.Addresses, SameAddress) || !SameList(x.NotReadyAddresses, y.NotReadyAddresses, SameAddress)
                || !SameList(x.Ports, y.Ports, (p, q) => p == q))
                return false;
        }
        return true;
    }

    private static bool SameList<T>(List<T>? a, List<T>? b, Func<T, T, bool> same)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
            return false;
        for (var i = 0; i < (a?.Count ?? 0); i++)
        {
            if (!same(a![i], b![i]))
                return false;
        }
        return true;
    }

    private static bool SameAddress(EndpointAddress a, EndpointAddress b) =>
        a.Ip == b.Ip && a.Hostname == b.Hostname && a.NodeName == b.NodeName && a.TargetRef == b.TargetRef;

    private static EndpointAddress AddressOf(Service service, Pod pod)
    {
        var meta = pod.Metadata;
        // A pod's own DNS name under a headless service (hostname.subdomain.ns.svc) needs the hostname here.
        var hostname = !string.IsNullOrEmpty(pod.Spec.Hostname) && pod.Spec.Subdomain == service.Metadata.Name && meta.Namespace == service.Metadata.Namespace
            ? pod.Spec.Hostname
            : null;
        return new EndpointAddress
        {
            Ip = pod.Status!.PodIP!,
            Hostname = hostname,
            NodeName = string.IsNullOrEmpty(pod.Spec.NodeName) ? null : pod.Spec.NodeName,
            TargetRef = new ObjectReference { Kind = "Pod", Namespace = meta.Namespace, Name = meta.Name, Uid = meta.Uid },
        };
    }

    private static void Add(Dictionary<EndpointPort, Dictionary<AddressKey, (EndpointAddress, bool)>> byPort, EndpointPort port, EndpointAddress address, bool ready)
    {
        if (!byPort.TryGetValue(port, out var addresses))
            byPort[port] = addresses = [];
        addresses[new AddressKey(address.Ip, address.TargetRef?.Uid)] = (address, ready);
    }

    /// <summary>Kubernetes' RepackSubsets: addresses offering the same set of ports share a subset.</summary>
    private static List<EndpointSubset> Repack(Dictionary<EndpointPort, Dictionary<AddressKey, (EndpointAddress Address, bool Ready)>> byPort)
    {
        // Group ports by the exact (address, readiness) set that offers them.
        var groups = new Dictionary<string, (Dictionary<AddressKey, (EndpointAddress Address, bool Ready)> Addresses, List<EndpointPort> Ports)>(StringComparer.Ordinal);
        foreach (var (port, addresses) in byPort)
        {
            var signature = string.Join(";", addresses.OrderBy(a => a.Key.Ip, StringComparer.Ordinal).ThenBy(a => a.Key.Uid, StringComparer.Ordinal)
                .Select(a => $"{a.Key.Ip}/{a.Key.Uid}/{(a.Value.Ready ? 1 : 0)}"));
            if (!groups.TryGetValue(signature, out var group))
                groups[signature] = group = (addresses, []);
            if (port.Port > 0)
                group.Ports.Add(port);
        }
        var subsets = new List<EndpointSubset>(groups.Count);
        foreach (var (addresses, ports) in groups.Values)
        {
            var ready = Sorted(addresses.Values.Where(a => a.Ready).Select(a => a.Address));
            var notReady = Sorted(addresses.Values.Where(a => !a.Ready).Select(a => a.Address));
            ports.Sort(ComparePorts);
            subsets.Add(new EndpointSubset
            {
                Addresses = ready.Count > 0 ? ready : null,
                NotReadyAddresses = notReady.Count > 0 ? notReady : null,
                Ports = ports.Count > 0 ? ports : null,
            });
        }
        subsets.Sort((a, b) => string.CompareOrdinal(SortKey(a), SortKey(b)));
        return subsets;
    }

    private static List<EndpointAddress> Sorted(IEnumerable<EndpointAddress> addresses) =>
        [.. addresses.OrderBy(a => a.Ip, StringComparer.Ordinal).ThenBy(a => a.TargetRef?.Uid, StringComparer.Ordinal)];

    private static int ComparePorts(EndpointPort a, EndpointPort b)
    {
        var byName = string.CompareOrdinal(a.Name, b.Name);
        if (byName != 0)
            return byName;
        var byNumber = a.Port.CompareTo(b.Port);
        return byNumber != 0 ? byNumber : string.CompareOrdinal(a.Protocol, b.Protocol);
    }

    /// <summary>Subsets in a stable order: by their first port, then their first address.</summary>
    private static string SortKey(EndpointSubset subset)
    {
        var port = subset.Ports is { Count: > 0 } ports ? $"{ports[0].Name}:{ports[0].Port:D5}/{ports[0].Protocol}" : "";
        var address = subset.Addresses?.FirstOrDefault() ?? subset.NotReadyAddresses?.FirstOrDefault();
        return $"{port}|{address?.Ip}|{address?.TargetRef?.Uid}";
    }

    private readonly record struct AddressKey(string Ip, string? Uid);
}
