namespace Drover.Agent.ServiceProxy;

/// <summary>
/// One port of one Service as the kernel should serve it: the virtual address, the node port, the ready endpoints
/// (sorted, each marked when it runs on this node), the sessionAffinity ClientIP timeout (0: none), whether the port
/// is also served on the node's own addresses as a LoadBalancer's (k3s's ServiceLB), and the traffic policies
/// (Local: only this node's endpoints; for external traffic also no masquerade, so the endpoint sees the client).
/// </summary>
internal sealed record ProxiedPort(string Key, string ClusterIp, string Protocol, int Port, int? NodePort, IReadOnlyList<ProxyEndpoint> Endpoints, int AffinitySeconds = 0,
    bool LoadBalancer = false, bool InternalLocal = false, bool ExternalLocal = false)
{
    /// <summary>Served on the node's own addresses (node port or load balancer): traffic from outside the cluster.</summary>
    public bool External => NodePort is not null || LoadBalancer;

    /// <summary>External traffic needs a chain of its own when a policy tells it apart from cluster-IP traffic.</summary>
    public bool HasExternalChain => External && (ExternalLocal || InternalLocal);

    /// <summary>
    /// Pods and the node itself reaching a node port are balanced over every endpoint, whatever the policies (kube-proxy's
    /// short-circuit: as if the traffic went out to a load balancer and came back). When the internal policy is Local the
    /// service chain cannot serve that, so a chain of its own does.
    /// </summary>
    public bool HasClusterChain => External && ExternalLocal && InternalLocal;

    public IEnumerable<ProxyEndpoint> LocalEndpoints => Endpoints.Where(e => e.Local);

    public bool Equals(ProxiedPort? other) =>
        other is not null && Key == other.Key && ClusterIp == other.ClusterIp && Protocol == other.Protocol && Port == other.Port
        && NodePort == other.NodePort && AffinitySeconds == other.AffinitySeconds && LoadBalancer == other.LoadBalancer
        && InternalLocal == other.InternalLocal && ExternalLocal == other.ExternalLocal && Endpoints.SequenceEqual(other.Endpoints);

    public override int GetHashCode() => HashCode.Combine(Key, ClusterIp, Port, NodePort, Endpoints.Count);
}

/// <summary>An endpoint address and port; <paramref name="Local"/> when its slice names this node.</summary>
internal readonly record struct ProxyEndpoint(string Ip, int Port, bool Local = false);
