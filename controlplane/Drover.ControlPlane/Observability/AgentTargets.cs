using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.ControlPlane.Observability;

/// <summary>
/// The agents' /metrics endpoints as Prometheus target groups, one per Node that publishes
/// <see cref="NodeServing.MetricsAddressAnnotation"/>. Labels follow Prometheus' kubernetes_sd node role
/// (<c>__meta_kubernetes_node_*</c>) under a <c>__meta_drover_node_</c> prefix, so relabelling rules carry over. Pure.
/// </summary>
internal static class AgentTargets
{
    public const string Prefix = "__meta_drover_node_";

    /// <summary>Address types tried, in order, when the agent listens on every interface (kubernetes_sd's order).</summary>
    private static readonly string[] AddressPreference = ["InternalIP", "ExternalIP", "Hostname"];

    public static List<PrometheusTargetGroup> From(IEnumerable<Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var groups = new List<PrometheusTargetGroup>();
        foreach (var node in nodes.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal))
        {
            if (Target(node) is { } target)
                groups.Add(new PrometheusTargetGroup([target], Labels(node)));
        }
        return groups;
    }

    /// <summary>
    /// host:port to scrape, or null when the agent publishes none (metrics off) or an address that does not parse
    /// (an operator's edit): such a node is left out rather than failing discovery for every other node.
    /// </summary>
    public static string? Target(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Metadata.Annotations?.GetValueOrDefault(NodeServing.MetricsAddressAnnotation) is not { Length: > 0 } published
            || !IPEndPoint.TryParse(published, out var bound) || bound.Port is <= 0 or > 65535)
            return null;
        var port = bound.Port.ToString(CultureInfo.InvariantCulture);
        if (!bound.Address.Equals(IPAddress.Any) && !bound.Address.Equals(IPAddress.IPv6Any))
            return HostPort(bound.Address.ToString(), port);
        // Bound to every interface: the node's own address is where Prometheus reaches it.
        var addresses = node.Status?.Addresses ?? [];
        foreach (var type in AddressPreference)
        {
            if (addresses.FirstOrDefault(a => a.Type == type && a.Address.Length > 0) is { } address)
                return HostPort(address.Address, port);
        }
        return null;
    }

    private static string HostPort(string host, string port) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]:{port}" : $"{host}:{port}";

    private static SortedDictionary<string, string> Labels(Node node)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Prefix + "name"] = node.Metadata.Name ?? "",
            [Prefix + "ready"] = Ready(node),
            [Prefix + "unschedulable"] = node.Spec.Unschedulable == true ? "true" : "false",
        };
        if (node.Spec.ProviderID is { Length: > 0 } provider)
            labels[Prefix + "provider_id"] = provider;
        foreach (var (key, value) in node.Metadata.Labels ?? [])
        {
            labels[Prefix + "label_" + LabelName(key)] = value;
            labels[Prefix + "labelpresent_" + LabelName(key)] = "true";
        }
        foreach (var address in node.Status?.Addresses ?? [])
            labels.TryAdd(Prefix + "address_" + LabelName(address.Type), address.Address);
        return labels;
    }

    /// <summary>"true", "false" or "unknown": the Ready condition's status, lower-cased as kube-state-metrics does.</summary>
    private static string Ready(Node node) =>
        node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status switch
        {
            "True" => "true",
            "False" => "false",
            _ => "unknown",
        };

    /// <summary>A Prometheus label name from a Kubernetes key: every character outside [a-zA-Z0-9_] becomes '_', as kubernetes_sd does.</summary>
    public static string LabelName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        return name.ToString();
    }
}
