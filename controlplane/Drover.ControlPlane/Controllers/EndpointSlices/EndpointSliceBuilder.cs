using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.ControlPlane.Controllers.ServiceEndpoints;

namespace Drover.ControlPlane.Controllers.EndpointSlices;

/// <summary>
/// A Service's EndpointSlices from its selected pods, as Kubernetes' EndpointSlice controller computes them:
/// terminating pods stay in (ready false, serving as their readiness, terminating true) so proxies can drain them;
/// pods resolving the service ports to the same numbers share slices of at most <see cref="MaxEndpointsPerSlice"/>.
/// Names are derived from the service, the port set and the chunk, so the same pods always give the same slices
/// and an unchanged slice is never written.
/// </summary>
internal static class EndpointSliceBuilder
{
    public const int MaxEndpointsPerSlice = 100;
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string ControllerName = "endpointslice-controller.k8s.io";

    public static List<DesiredSlice> Build(Service service, IEnumerable<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(pods);
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var groups = new SortedDictionary<string, (List<EndpointSlicePort> Ports, List<SliceEndpoint> Endpoints)>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!EndpointsBuilder.ShouldBeInEndpoints(pod, includeTerminating: true))
                continue;
            var ports = PortsOf(service, pod);
            var key = PortKey(ports);
            if (!groups.TryGetValue(key, out var group))
                groups[key] = group = (ports, []);
            group.Endpoints.Add(EndpointOf(service, pod, publishNotReady));
        }
        var slices = new List<DesiredSlice>();
        var serviceName = service.Metadata.Name!;
        foreach (var (key, (ports, endpoints)) in groups)
        {
            endpoints.Sort((a, b) => string.CompareOrdinal(a.Addresses[0], b.Addresses[0]) is var byIp and not 0 ? byIp : string.CompareOrdinal(a.TargetRef?.Uid, b.TargetRef?.Uid));
            var prefix = $"{serviceName}-{Hash(key)}";
            for (var chunk = 0; chunk * MaxEndpointsPerSlice < endpoints.Count; chunk++)
            {
                var part = endpoints.GetRange(chunk * MaxEndpointsPerSlice, Math.Min(MaxEndpointsPerSlice, endpoints.Count - (chunk * MaxEndpointsPerSlice)));
                slices.Add(new DesiredSlice(chunk == 0 ? prefix : $"{prefix}-{chunk.ToString(CultureInfo.InvariantCulture)}", ports, part));
            }
        }
        // No pods: one empty slice says "this Service has no endpoints" (Kubernetes' placeholder slice).
        if (slices.Count == 0)
            slices.Add(new DesiredSlice($"{serviceName}-{Hash("")}", [], []));
        return slices;
    }

    private static List<EndpointSlicePort> PortsOf(Service service, Pod pod)
    {
        var ports = new List<EndpointSlicePort>();
        foreach (var servicePort in service.Spec.Ports ?? [])
        {
            // A named targetPort the pod does not declare leaves that port out for this pod (Kubernetes does the same).
            if (servicePort is null || EndpointsBuilder.FindPort(pod, servicePort) is not { } number)
                continue;
            ports.Add(new EndpointSlicePort
            {
                Name = servicePort.Name ?? "",
                Port = number,
                Protocol = servicePort.Protocol ?? "TCP",
                AppProtocol = servicePort.AppProtocol,
            });
        }
        ports.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : string.CompareOrdinal(a.Protocol, b.Protocol));
        return ports;
    }

    private static SliceEndpoint EndpointOf(Service service, Pod pod, bool publishNotReady)
    {
        var meta = pod.Metadata;
        var serving = publishNotReady || EndpointsBuilder.IsReady(pod);
        var terminating = meta.DeletionTimestamp is not null;
        var hostname = !string.IsNullOrEmpty(pod.Spec.Hostname) && pod.Spec.Subdomain == service.Metadata.Name ? pod.Spec.Hostname : null;
        return new SliceEndpoint
        {
            Addresses = [pod.Status!.PodIP!],
            Conditions = new EndpointConditions { Ready = publishNotReady || (serving && !terminating), Serving = serving, Terminating = terminating },
            Hostname = hostname,
            NodeName = string.IsNullOrEmpty(pod.Spec.NodeName) ? null : pod.Spec.NodeName,
            TargetRef = new ObjectReference { Kind = "Pod", Namespace = meta.Namespace, Name = meta.Name, Uid = meta.Uid },
        };
    }

    private static string PortKey(List<EndpointSlicePort> ports)
    {
        var key = new StringBuilder();
        foreach (var port in ports)
            key.Append(port.Name).Append(':').Append(port.Port?.ToString(CultureInfo.InvariantCulture)).Append('/').Append(port.Protocol).Append('/').Append(port.AppProtocol).Append(';');
        return key.ToString();
    }

    /// <summary>FNV-1a of the port set: a short stable name part (names must not depend on the order pods arrive in).</summary>
    private static string Hash(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
            hash = (hash ^ c) * 16777619u;
        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
