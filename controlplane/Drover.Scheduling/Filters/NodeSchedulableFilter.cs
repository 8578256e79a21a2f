namespace Drover.Scheduling;

/// <summary>
/// A node takes new pods only when its Ready condition is True (False, Unknown after a missed lease, or
/// no status means nobody is there to start them) and it is not cordoned (<c>spec.unschedulable</c>),
/// unless the pod tolerates <c>node.kubernetes.io/unschedulable:NoSchedule</c> as Kubernetes'
/// NodeUnschedulable plugin allows. Both are flags of one state entry, so one pass checks both.
/// </summary>
public sealed class NodeSchedulableFilter : INodeFilter
{
    public string Name => "NodeSchedulable";

    public int Filter(ClusterSnapshot snapshot, PodInfo pod, Span<int> candidates, RejectionLog rejections)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(rejections);
        var states = snapshot.NodeStates;
        var ignoreCordon = pod.ToleratesUnschedulable;
        var kept = 0;
        foreach (var id in candidates)
        {
            ref readonly var node = ref states[id];
            if (!node.Ready)
                rejections.Reject(id, Name, FilterReasons.NodeNotReady);
            else if (node.Unschedulable && !ignoreCordon)
                rejections.Reject(id, Name, FilterReasons.NodeUnschedulable);
            else
                candidates[kept++] = id;
        }
        return kept;
    }
}
