using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>
/// A route to a peer's podCIDR: via its InternalIP (host-gw, the kernel picks the device), or via its VTEP address on the
/// VXLAN device, on-link (vxlan: the gateway is the peer podCIDR's network address, which the neighbour entry resolves).
/// </summary>
internal sealed record PeerRoute(Ipv4Cidr Destination, IPAddress Gateway, string? Device, bool OnLink);
