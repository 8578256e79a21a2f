namespace Drover.Agent.Network;

/// <summary>
/// What the pod network owns on a host, by name, so that reconciling touches only these and clean-up finds them all: one
/// VXLAN device, one nftables table (issue 15's service proxy keeps a table of its own beside it), and the routes marked
/// with one routing protocol number.
/// </summary>
internal static class PodNetworkNames
{
    /// <summary>flannel's is flannel.VNI; one per host, as every node of a cluster uses the same VNI.</summary>
    public const string VxlanDevice = "drover-vxlan";

    /// <summary>The nftables table (family ip) of the masquerade rule.</summary>
    public const string NftTable = "drover-podnet";

    /// <summary>
    /// The rtm_protocol of every route the agent adds (unassigned in iproute2's rt_protos): its own routes are told apart
    /// from the kernel's and the administrator's by it, and never the other way round.
    /// </summary>
    public const int RouteProtocol = 74;

    /// <summary>What ip -j prints for <see cref="RouteProtocol"/>: the number, or a name given to it in rt_protos.d.</summary>
    public static bool IsOurProtocol(string? protocol) => protocol is "74" or "drover";

    /// <summary>VXLAN's cost per packet over IPv4: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14.</summary>
    public const int VxlanOverhead = 50;
}
