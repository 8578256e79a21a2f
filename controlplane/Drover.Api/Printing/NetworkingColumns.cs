using Drover.Api;

namespace Drover.Api.Printing;

public static class NetworkingColumns
{
    private const int MaxHosts = 4;

    public static IReadOnlyList<Column> Ingresses { get; } =
    [
        Column.Name,
        Column.Of<Ingress>("CLASS", i => Cells.OrNone(i.Spec.IngressClassName)),
        Column.Of<Ingress>("HOSTS", i => Hosts(i)),
        Column.Of<Ingress>("ADDRESS", i => string.Join(",", (i.Status?.LoadBalancer?.Ingress ?? []).Select(a => a.Ip ?? a.Hostname))),
        Column.Of<Ingress>("PORTS", i => i.Spec.Tls is { Count: > 0 } ? "80, 443" : "80"),
        Column.Age,
    ];

    public static IReadOnlyList<Column> IngressClasses { get; } =
    [
        Column.Name,
        Column.Of<IngressClass>("CONTROLLER", c => c.Spec.Controller ?? ""),
        Column.Age,
    ];

    /// <summary>kubectl's formatHosts: "*" when no rule names a host.</summary>
    public static string Hosts(Ingress ingress)
    {
        var hosts = (ingress.Spec.Rules ?? []).Select(r => r.Host).Where(h => !string.IsNullOrEmpty(h)).Cast<string>().ToList();
        if (hosts.Count == 0)
            return "*";
        var shown = string.Join(",", hosts.Take(MaxHosts));
        return hosts.Count > MaxHosts ? $"{shown} + {hosts.Count - MaxHosts} more..." : shown;
    }
}
