namespace Drover.Api.PodNetwork;

/// <summary>How nodes carry pod traffic to each other (flannel's backends; one per cluster).</summary>
public enum PodNetworkBackend
{
    /// <summary>No routes between nodes: a single node, or a network that routes the podCIDRs itself.</summary>
    None,

    /// <summary>A route per peer podCIDR via the peer's InternalIP: no encapsulation, but every node on one L2 segment.</summary>
    HostGw,

    /// <summary>A kernel VXLAN device: pod packets travel in UDP between InternalIPs, over any IP network.</summary>
    Vxlan,
}

/// <summary>The names of <see cref="PodNetworkBackend"/> in flags, the ConfigMap and Node annotations.</summary>
public static class PodNetworkBackends
{
    public const string NoneName = "none";
    public const string HostGwName = "host-gw";
    public const string VxlanName = "vxlan";

    public static string Name(PodNetworkBackend backend) => backend switch
    {
        PodNetworkBackend.None => NoneName,
        PodNetworkBackend.HostGw => HostGwName,
        PodNetworkBackend.Vxlan => VxlanName,
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    public static bool TryParse(string? name, out PodNetworkBackend backend)
    {
        (var ok, backend) = name switch
        {
            NoneName => (true, PodNetworkBackend.None),
            HostGwName => (true, PodNetworkBackend.HostGw),
            VxlanName => (true, PodNetworkBackend.Vxlan),
            _ => (false, PodNetworkBackend.None),
        };
        return ok;
    }
}
