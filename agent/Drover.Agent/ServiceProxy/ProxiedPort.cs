namespace Drover.Agent.ServiceProxy;

/// <summary>
/// One port of one Service as the kernel should serve it: the virtual address, the node port, the ready endpoints
/// (sorted), the sessionAffinity ClientIP timeout (0: none), and whether the port is also served on the node's own
/// addresses as a LoadBalancer's (k3s's ServiceLB).
/// </summary>
internal sealed record ProxiedPort(string Key, string ClusterIp, string Protocol, int Port, int? NodePort, IReadOnlyList<ProxyEndpoint> Endpoints, int AffinitySeconds = 0,
    bool LoadBalancer = false)
{
    public bool Equals(ProxiedPort? other) =>
        other is not null && Key == other.Key && ClusterIp == other.ClusterIp && Protocol == other.Protocol && Port == other.Port
        && NodePort == other.NodePort && AffinitySeconds == other.AffinitySeconds && LoadBalancer == other.LoadBalancer && Endpoints.SequenceEqual(other.Endpoints);

    public override int GetHashCode() => HashCode.Combine(Key, ClusterIp, Port, NodePort, Endpoints.Count);
}

internal readonly record struct ProxyEndpoint(string Ip, int Port);
