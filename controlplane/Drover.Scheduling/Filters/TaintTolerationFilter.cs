using Drover.Api;

namespace Drover.Scheduling;

/// <summary>
/// A node with a NoSchedule or NoExecute taint the pod does not tolerate is out; PreferNoSchedule only
/// costs score (<see cref="TaintTolerationScorer"/>). The reason names the first such taint, as
/// Kubernetes' TaintToleration plugin does.
/// </summary>
public sealed class TaintTolerationFilter : INodeFilter
{
    public string Name => "TaintToleration";

    public int Filter(ClusterSnapshot snapshot, PodInfo pod, Span<int> candidates, RejectionLog rejections)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(rejections);
        var states = snapshot.NodeStates;
        var tolerations = pod.Tolerations;
        var kept = 0;
        foreach (var id in candidates)
        {
            // Most nodes have no taints: a flag in the state array, not a visit to the node's taint list;
            // and most pods tolerate nothing, so the first blocking taint is the answer without a walk.
            if (!states[id].HasBlockingTaints)
                candidates[kept++] = id;
            else if (tolerations.IsEmpty)
                rejections.Reject(id, Name, snapshot.FirstBlockingTaintReason(id)!);
            else if (FirstUntolerated(snapshot.NodeAt(id), tolerations) is { } taint)
                rejections.Reject(id, Name, taint.UntoleratedReason);
            else
                candidates[kept++] = id;
        }
        return kept;
    }

    /// <summary>The first NoSchedule/NoExecute taint of <paramref name="node"/> none of <paramref name="tolerations"/> tolerates.</summary>
    public static NodeTaint? FirstUntolerated(NodeInfo node, ReadOnlySpan<Toleration> tolerations)
    {
        ArgumentNullException.ThrowIfNull(node);
        foreach (var taint in node.Taints)
        {
            if (taint.BlocksScheduling && !TolerationMatching.AnyTolerates(tolerations, taint))
                return taint;
        }
        return null;
    }
}
