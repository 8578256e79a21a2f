using Drover.Api;

namespace Drover.Scheduling;

/// <summary>
/// Kubernetes' TaintToleration score: the more PreferNoSchedule taints of a node the pod does not
/// tolerate, the lower the node, normalised so the worst node gets 0 and an untainted one 100.
/// </summary>
public sealed class TaintTolerationScorer : INodeScorer
{
    public TaintTolerationScorer(int weight = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        Weight = weight;
    }

    public string Name => "TaintToleration";

    /// <summary>Kubernetes' default profile weighs this plugin 3.</summary>
    public int Weight { get; }

    public void Score(ClusterSnapshot snapshot, PodInfo pod, ReadOnlySpan<int> nodeIds, Span<long> scores)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        var states = snapshot.NodeStates;
        var tolerations = pod.PreferNoScheduleTolerations;
        long most = 0;
        for (var i = 0; i < nodeIds.Length; i++)
        {
            var id = nodeIds[i];
            long count = states[id].PreferNoScheduleTaints;
            // A pod tolerating none of them (most pods) takes the node's count as it is.
            if (count != 0 && !tolerations.IsEmpty)
                count = CountIntolerable(snapshot.NodeAt(id), tolerations);
            scores[i] = count;
            most = Math.Max(most, count);
        }
        NodeScores.FewerIsBetter(scores, most);
    }

    private static long CountIntolerable(NodeInfo node, ReadOnlySpan<Toleration> tolerations)
    {
        long count = 0;
        foreach (var taint in node.Taints)
        {
            if (taint.Effect == TaintEffects.PreferNoSchedule && !TolerationMatching.AnyTolerates(tolerations, taint))
                count++;
        }
        return count;
    }
}
