using System.Net;

namespace Drover.Agent.Network;

/// <summary>A network interface of the host as netlink reports it (ip -d -j addr show).</summary>
internal sealed record HostInterface(string Name, int Mtu, bool Up, string? Mac, IReadOnlyList<HostAddress> Addresses, VxlanLink? Vxlan);

/// <summary>An IPv4 address on an interface.</summary>
internal sealed record HostAddress(IPAddress Address, int PrefixLength);

/// <summary>A VXLAN device's settings: VNI, UDP port, local address, underlying device, MAC learning.</summary>
internal sealed record VxlanLink(int Vni, int Port, string? Local, string? Link, bool Learning);
