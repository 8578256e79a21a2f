using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>What the pod network of one node is made from: the cluster's settings and this node's name, address and podCIDR.</summary>
internal sealed record PodNetworkOptions
{
    public required PodNetworkSettings Settings { get; init; }
    public required string NodeName { get; init; }
    public required IPAddress NodeIp { get; init; }
    public required Ipv4Cidr PodCidr { get; init; }

    /// <summary>Masquerade the node's pods' traffic that leaves the cluster CIDR (--cni-ip-masq).</summary>
    public bool Masquerade { get; init; } = true;

    /// <summary>Where the peers last routed are kept, for a start without droverd (the agent's data dir).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>How often the kernel's entries are checked against the desired ones even when no Node changed (drift repair).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a start waits for droverd's Node list before it routes to the peers kept from the last run.</summary>
    public TimeSpan OfflineRestoreDelay { get; init; } = TimeSpan.FromSeconds(10);

    public string VtepMac => Network.VtepMac.ForNode(NodeName);
}
