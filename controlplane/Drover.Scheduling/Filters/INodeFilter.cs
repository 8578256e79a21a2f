namespace Drover.Scheduling;

/// <summary>
/// A hard requirement a node must meet to take a pod (Nomad's FeasibilityChecker, a Kubernetes Filter
/// plugin). Filters run cheapest first; a node turned down by one is not shown to the next.
/// </summary>
/// <remarks>
/// A filter sees the whole candidate set at once rather than one node per call: one interface call per
/// filter per decision instead of one per node, which at a thousand nodes is most of the time budget.
/// Candidates are node ids so the loop reads <see cref="NodeState"/>s from one array in order.
/// </remarks>
public interface INodeFilter
{
    /// <summary>Names the filter in rejections (the Kubernetes plugin name where there is one).</summary>
    string Name { get; }

    /// <summary>
    /// Moves the candidates that can take <paramref name="pod"/> to the front of <paramref name="candidates"/>
    /// (node ids: index <see cref="ClusterSnapshot.NodeStates"/> with them, or pass them to
    /// <see cref="ClusterSnapshot.NodeAt"/>), keeping their order, and returns how many there are;
    /// records in <paramref name="rejections"/> at least one reason for every candidate it drops.
    /// </summary>
    int Filter(ClusterSnapshot snapshot, PodInfo pod, Span<int> candidates, RejectionLog rejections);
}
