namespace Drover.Api.PodNetwork;

/// <summary>What an agent publishes on its Node for the others to route to it (flannel's backend-data annotations).</summary>
public static class PodNetworkAnnotations
{
    /// <summary>The backend the node's agent set up: nodes route only to peers of the cluster's backend.</summary>
    public const string Backend = "drover.io/pod-network-backend";

    /// <summary>The MAC address of the node's VXLAN device (vxlan only): peers' neighbour and FDB entries point at it.</summary>
    public const string VtepMac = "drover.io/vtep-mac";
}
