using System.Net;

namespace Drover.Agent.Network;

/// <summary>A permanent ARP entry on the VXLAN device: a peer's VTEP address is its VTEP MAC.</summary>
internal sealed record VxlanNeighbour(IPAddress Address, string Mac);
