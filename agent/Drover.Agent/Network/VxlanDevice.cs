using System.Globalization;
using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>Pure: the ip batch lines that make the VXLAN device what a <see cref="VxlanSpec"/> says, or remove it.</summary>
internal static class VxlanDevice
{
    /// <summary>The spec for this node, or null with the reason when no interface holds <paramref name="nodeIp"/>.</summary>
    public static (VxlanSpec? Spec, string? Problem) Spec(PodNetworkSettings settings, IPAddress nodeIp, string mac, Ipv4Cidr podCidr, IReadOnlyList<HostInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(nodeIp);
        ArgumentNullException.ThrowIfNull(interfaces);
        var link = Underlying(nodeIp, interfaces);
        if (link is null)
            return (null, $"no interface holds the node's address {nodeIp} (--node-ip): the VXLAN device has nothing to send through");
        return (new VxlanSpec(settings.VxlanVni, settings.VxlanPort, nodeIp, link.Name, mac, link.Mtu - PodNetworkNames.VxlanOverhead, podCidr), null);
    }

    /// <summary>The interface that holds <paramref name="nodeIp"/> (never the VXLAN device itself).</summary>
    public static HostInterface? Underlying(IPAddress nodeIp, IReadOnlyList<HostInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(nodeIp);
        ArgumentNullException.ThrowIfNull(interfaces);
        return interfaces.FirstOrDefault(i => i.Name != PodNetworkNames.VxlanDevice && i.Addresses.Any(a => a.Address.Equals(nodeIp)));
    }

    /// <summary>The lines that bring the device from <paramref name="interfaces"/>' state to <paramref name="spec"/>; empty when it is so.</summary>
    public static IReadOnlyList<string> Ensure(VxlanSpec spec, IReadOnlyList<HostInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(interfaces);
        var name = PodNetworkNames.VxlanDevice;
        var lines = new List<string>();
        var current = interfaces.FirstOrDefault(i => i.Name == name);
        // VNI, port, local end and underlying device are fixed at creation: a device made otherwise is made again.
        if (current is not null && !SameTunnel(spec, current.Vxlan))
        {
            lines.Add("link del " + name);
            current = null;
        }
        if (current is null)
        {
            lines.Add(FormattableString.Invariant($"link add {name} type vxlan id {spec.Vni} local {spec.Local} dstport {spec.Port} nolearning dev {spec.Link}"));
            lines.Add(FormattableString.Invariant($"link set {name} address {spec.Mac} mtu {spec.Mtu} up"));
            lines.Add($"addr replace {spec.Address} dev {name}");
            return lines;
        }
        if (!string.Equals(current.Mac, spec.Mac, StringComparison.OrdinalIgnoreCase) || current.Mtu != spec.Mtu || !current.Up)
            lines.Add(FormattableString.Invariant($"link set {name} address {spec.Mac} mtu {spec.Mtu} up"));
        var address = spec.PodCidr.NetworkAddress;
        if (!current.Addresses.Any(a => a.Address.Equals(address) && a.PrefixLength == 32))
            lines.Add($"addr replace {spec.Address} dev {name}");
        foreach (var other in current.Addresses.Where(a => !(a.Address.Equals(address) && a.PrefixLength == 32)))
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"addr del {other.Address}/{other.PrefixLength} dev {name}"));
        return lines;
    }

    /// <summary>The line that removes the device (with every route, neighbour and FDB entry on it), or none when there is none.</summary>
    public static IReadOnlyList<string> Remove(IReadOnlyList<HostInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        return interfaces.Any(i => i.Name == PodNetworkNames.VxlanDevice) ? ["link del " + PodNetworkNames.VxlanDevice] : [];
    }

    private static bool SameTunnel(VxlanSpec spec, VxlanLink? link) =>
        link is not null && link.Vni == spec.Vni && link.Port == spec.Port && link.Local == spec.Local.ToString() && link.Link == spec.Link && !link.Learning;
}
