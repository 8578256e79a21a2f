using System.Security.Cryptography;
using System.Text;

namespace Drover.Agent.Network;

/// <summary>
/// The MAC address of a node's VXLAN device, derived from the node's name: the same after an agent restart or a reboot
/// (peers' neighbour and FDB entries stay right), different between nodes (a locally administered unicast address from
/// SHA-256; a clash between two names is a 1 in 2^46 chance, and PodNetworkPeers reports one).
/// </summary>
internal static class VtepMac
{
    public static string ForNode(string nodeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("drover-vtep:" + nodeName), hash);
        hash[0] = (byte)((hash[0] & 0xfe) | 0x02);
        return string.Join(':', hash[..6].ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
