using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>
/// The node's VXLAN device as it should be: the cluster's VNI and port, the node's InternalIP on <paramref name="Link"/>
/// as local end, no learning (the agent writes every FDB entry), the node's VTEP MAC, the MTU of <paramref name="Link"/>
/// less the encapsulation, and the podCIDR's network address as its own address (what peers route to, flannel's way).
/// </summary>
internal sealed record VxlanSpec(int Vni, int Port, IPAddress Local, string Link, string Mac, int Mtu, Ipv4Cidr PodCidr)
{
    public string Address => PodCidr.NetworkAddress + "/32";
}
