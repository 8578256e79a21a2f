namespace Drover.Api.PodNetwork;

/// <summary>
/// The pod network as the Node objects describe it: the nodes every node routes to, the nodes left out with the reason,
/// and the nodes that are not ready to be routed to yet (their agent has not reported or set up its network).
/// </summary>
public sealed record PodNetworkView(
    IReadOnlyList<PodNetworkPeer> Peers,
    IReadOnlyList<PodNetworkProblem> Problems,
    IReadOnlyDictionary<string, string> Pending);
