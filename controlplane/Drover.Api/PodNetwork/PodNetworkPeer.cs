using System.Net;

namespace Drover.Api.PodNetwork;

/// <summary>A node every other node routes to: its podCIDR through its InternalIP (and, with vxlan, its VTEP's MAC).</summary>
public sealed record PodNetworkPeer(string NodeName, Ipv4Cidr PodCidr, IPAddress InternalIp, string? VtepMac);

/// <summary>Why a node is left out of the pod network (the Reason of its NetworkUnavailable condition and Event).</summary>
public sealed record PodNetworkProblem(string NodeName, string Reason, string Message);
