using Drover.Agent.Cri.V1;
using Drover.Api;

namespace Drover.Agent.Pods;

/// <summary>
/// A pod's resolv.conf as the kubelet makes it (pkg/kubelet/network/dns): with cluster DNS on and dnsPolicy
/// ClusterFirst (the default; ClusterFirstWithHostNet for host-network pods), the node's cluster DNS address, the
/// search path <c>&lt;ns&gt;.svc.&lt;domain&gt; svc.&lt;domain&gt; &lt;domain&gt;</c> followed by the host's, and
/// <c>ndots:5</c>; otherwise (dnsPolicy Default, host network, cluster DNS off) the host's resolv.conf; None gives nothing.
/// </summary>
internal static class PodDns
{
    /// <summary>The resolver allows 32 search domains (glibc since 2.26 has no limit, musl 6); the kubelet caps at 32.</summary>
    private const int MaxSearches = 32;

    public static DNSConfig For(Pod pod, DNSConfig host, string? clusterDnsServer, string clusterDomain)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(host);
        var policy = pod.Spec.DnsPolicy ?? "ClusterFirst";
        if (policy == "None")
            return new DNSConfig();
        var clusterFirst = policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && pod.Spec.HostNetwork != true);
        if (!clusterFirst || string.IsNullOrEmpty(clusterDnsServer))
            return host.Clone();
        var ns = pod.Metadata.Namespace ?? "default";
        var config = new DNSConfig();
        config.Servers.Add(clusterDnsServer);
        string[] cluster = [$"{ns}.svc.{clusterDomain}", $"svc.{clusterDomain}", clusterDomain];
        config.Searches.AddRange(cluster.Concat(host.Searches.Where(s => !cluster.Contains(s, StringComparer.OrdinalIgnoreCase))).Take(MaxSearches));
        config.Options.Add("ndots:5");
        return config;
    }
}
