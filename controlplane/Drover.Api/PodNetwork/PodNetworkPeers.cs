using System.Globalization;
using System.Net;

namespace Drover.Api.PodNetwork;

/// <summary>
/// Which nodes belong to the pod network, decided from the Node objects alone, so that droverd (which reports the
/// problems as conditions and Events) and every agent (which routes only to the peers) reach the same verdict. Nodes
/// are taken oldest first (creationTimestamp, then name): when two clash, the one that was there first keeps its
/// routes and the newcomer is left out — bad input on one node never changes the routes to the others.
/// </summary>
public static class PodNetworkPeers
{
    public const string InvalidPodCidr = "InvalidPodCIDR";
    public const string PodCidrOutsideClusterCidr = "PodCIDROutsideClusterCIDR";
    public const string PodCidrOverlap = "PodCIDROverlap";
    public const string NoInternalIp = "NoInternalIP";
    public const string InternalIpClash = "InternalIPClash";
    public const string BackendMismatch = "BackendMismatch";
    public const string InvalidVtepMac = "InvalidVtepMAC";
    public const string VtepMacClash = "VtepMACClash";

    public static PodNetworkView Evaluate(IEnumerable<Node> nodes, PodNetworkSettings settings)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(settings);
        var peers = new List<PodNetworkPeer>();
        var problems = new List<PodNetworkProblem>();
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        var cidrs = new List<(Ipv4Cidr Cidr, string Node)>();
        var addresses = new Dictionary<IPAddress, string>();
        var macs = new Dictionary<string, string>(StringComparer.Ordinal);
        var backend = PodNetworkBackends.Name(settings.Backend);
        var ordered = nodes
            .Where(n => n.Metadata.Name is { Length: > 0 } && n.Metadata.DeletionTimestamp is null)
            .OrderBy(n => n.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
            .ThenBy(n => n.Metadata.Name, StringComparer.Ordinal);
        foreach (var node in ordered)
        {
            var name = node.Metadata.Name!;
            void Problem(string reason, string message) => problems.Add(new PodNetworkProblem(name, reason, message));

            // The podCIDR first: an allocated range stays claimed by its node whatever else is wrong with it.
            var cidrText = node.Spec.PodCIDR;
            if (string.IsNullOrEmpty(cidrText))
            {
                pending[name] = "no podCIDR yet";
                continue;
            }
            if (!Ipv4Cidr.TryParse(cidrText, out var podCidr))
            {
                Problem(InvalidPodCidr, $"podCIDR \"{cidrText}\" is not an IPv4 CIDR");
                continue;
            }
            if (!settings.ClusterCidr.Contains(podCidr))
            {
                Problem(PodCidrOutsideClusterCidr, $"podCIDR {podCidr} is outside the cluster CIDR {settings.ClusterCidr}: its pods' traffic would be masqueraded");
                continue;
            }
            if (cidrs.FirstOrDefault(c => c.Cidr.Overlaps(podCidr)) is { Node: { } owner } claimed)
            {
                Problem(PodCidrOverlap, $"podCIDR {podCidr} overlaps {claimed.Cidr} of node {owner}, which was there first");
                continue;
            }
            cidrs.Add((podCidr, name));

            if (!Reported(node))
            {
                pending[name] = "its agent has not reported the node's status yet";
                continue;
            }
            var internalIp = node.Status!.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address;
            if (!Ipv4Cidr.TryParseAddress(internalIp, out var address) || IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any))
            {
                Problem(NoInternalIp, internalIp is null
                    ? "the node reports no InternalIP address: no node can route its podCIDR"
                    : $"InternalIP \"{internalIp}\" is not an IPv4 address other nodes can reach");
                continue;
            }
            if (addresses.TryGetValue(address, out var sameAddress))
            {
                Problem(InternalIpClash, $"InternalIP {address} is node {sameAddress}'s too, which was there first");
                continue;
            }
            addresses[address] = name;

            var annotations = node.Metadata.Annotations;
            var nodeBackend = annotations?.GetValueOrDefault(PodNetworkAnnotations.Backend);
            if (nodeBackend is null)
            {
                pending[name] = "its agent has not set up the pod network yet";
                continue;
            }
            if (nodeBackend != backend)
            {
                Problem(BackendMismatch, $"the node's agent set up {nodeBackend}, the cluster's pod network is {backend}: restart its agent");
                continue;
            }

            string? mac = null;
            if (settings.Backend == PodNetworkBackend.Vxlan)
            {
                var macText = annotations!.GetValueOrDefault(PodNetworkAnnotations.VtepMac);
                if (macText is null)
                {
                    pending[name] = "its agent has not published its VTEP MAC yet";
                    continue;
                }
                if (NormalizeMac(macText) is not { } normalized)
                {
                    Problem(InvalidVtepMac, $"VTEP MAC \"{macText}\" is not a unicast MAC address such as 0a:58:0a:2a:00:01");
                    continue;
                }
                if (macs.TryGetValue(normalized, out var sameMac))
                {
                    Problem(VtepMacClash, $"VTEP MAC {normalized} is node {sameMac}'s too, which was there first");
                    continue;
                }
                macs[normalized] = name;
                mac = normalized;
            }
            peers.Add(new PodNetworkPeer(name, podCidr, address, mac));
        }
        return new PodNetworkView(peers, problems, pending);
    }

    /// <summary>"aa:bb:cc:dd:ee:ff" in lower case, or null when <paramref name="text"/> is not a unicast, non-zero MAC address.</summary>
    public static string? NormalizeMac(string? text)
    {
        if (text is not { Length: 17 })
            return null;
        Span<byte> bytes = stackalloc byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (i > 0 && text[i * 3 - 1] != ':')
                return null;
            if (!byte.TryParse(text.AsSpan(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
                return null;
        }
        if ((bytes[0] & 1) != 0 || !bytes.ContainsAnyExcept((byte)0))
            return null;
        return text.ToLowerInvariant();
    }

    /// <summary>A node whose agent has written its status (addresses, conditions) at least once.</summary>
    private static bool Reported(Node node) =>
        node.Status is { } status && (status.Addresses is not null || status.Conditions is not null || status.NodeInfo is not null);
}
