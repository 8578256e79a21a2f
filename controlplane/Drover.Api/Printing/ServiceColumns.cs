using Drover.Api;

namespace Drover.Api.Printing;

public static class ServiceColumns
{
    private const int MaxEndpoints = 3;

    public static IReadOnlyList<Column> Services { get; } =
    [
        Column.Name,
        Column.Of<Service>("TYPE", s => s.Spec.Type ?? "ClusterIP"),
        Column.Of<Service>("CLUSTER-IP", s => Cells.OrNone(s.Spec.ClusterIP)),
        Column.Of<Service>("EXTERNAL-IP", s => ExternalIp(s)),
        Column.Of<Service>("PORT(S)", s => Ports(s)),
        Column.Age,
        Column.Of<Service>("SELECTOR", s => Cells.Labels(s.Spec.Selector), wideOnly: true),
    ];

    public static IReadOnlyList<Column> Endpoints { get; } =
    [
        Column.Name,
        Column.Of<Endpoints>("ENDPOINTS", e => Addresses(e)),
        Column.Age,
    ];

    public static string ExternalIp(Service service) => (service.Spec.Type ?? "ClusterIP") switch
    {
        "LoadBalancer" => service.Status?.LoadBalancer?.Ingress is { Count: > 0 } ingress
            ? string.Join(",", ingress.Select(i => i.Ip ?? i.Hostname))
            : "<pending>",
        "ExternalName" => Cells.OrNone(service.Spec.ExternalName),
        _ => Cells.None,
    };

    /// <summary>"80/TCP", or "80:30080/TCP" when a node port is allocated.</summary>
    public static string Ports(Service service)
    {
        if (service.Spec.Ports is not { Count: > 0 } ports)
            return Cells.None;
        return string.Join(",", ports.Select(p =>
            p.NodePort is > 0 ? $"{p.Port}:{p.NodePort}/{p.Protocol ?? "TCP"}" : $"{p.Port}/{p.Protocol ?? "TCP"}"));
    }

    /// <summary>kubectl's formatEndpoints: ip:port pairs, at most three, then "+ N more...".</summary>
    public static string Addresses(Endpoints endpoints)
    {
        var all = new List<string>();
        foreach (var subset in endpoints.Subsets ?? [])
        {
            foreach (var address in subset.Addresses ?? [])
            {
                if (subset.Ports is not { Count: > 0 } ports)
                    all.Add(address.Ip);
                else
                    all.AddRange(ports.Select(p => $"{address.Ip}:{p.Port}"));
            }
        }
        if (all.Count == 0)
            return Cells.None;
        var shown = string.Join(",", all.Take(MaxEndpoints));
        return all.Count > MaxEndpoints ? $"{shown} + {all.Count - MaxEndpoints} more..." : shown;
    }
}
