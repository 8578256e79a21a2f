using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>What the node side needs from the pod network before it registers: the annotations peers route by, and the pods' MTU.</summary>
internal static class PodNetworkSetup
{
    /// <summary>Backend and VTEP MAC for the Node; null values remove what another backend left (none publishes nothing).</summary>
    public static IReadOnlyDictionary<string, string?> Annotations(PodNetworkSettings settings, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [PodNetworkAnnotations.Backend] = settings.Backend == PodNetworkBackend.None ? null : PodNetworkBackends.Name(settings.Backend),
            [PodNetworkAnnotations.VtepMac] = settings.Backend == PodNetworkBackend.Vxlan ? VtepMac.ForNode(nodeName) : null,
        };
    }

    /// <summary>
    /// vxlan: the MTU of the interface that holds <paramref name="nodeIp"/> less the encapsulation, for the bridge and the
    /// pods (a full-size pod packet must still fit once wrapped); null otherwise, or when no interface holds the address.
    /// </summary>
    public static async Task<int?> PodMtuAsync(PodNetworkSettings settings, IPAddress nodeIp, HostCommand host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(nodeIp);
        ArgumentNullException.ThrowIfNull(host);
        if (settings.Backend != PodNetworkBackend.Vxlan)
            return null;
        var interfaces = await new IpRoute2(host).InterfacesAsync(ct).ConfigureAwait(false);
        return VxlanDevice.Underlying(nodeIp, interfaces) is { Mtu: > PodNetworkNames.VxlanOverhead } link ? link.Mtu - PodNetworkNames.VxlanOverhead : null;
    }

    /// <summary>The bridge plugin's own masquerading only without a pod network: with one, the drover-podnet table masquerades.</summary>
    public static bool CniIpMasq(PodNetworkSettings settings, bool masquerade) => settings.Backend == PodNetworkBackend.None && masquerade;
}
