namespace Drover.Scheduling;

/// <summary>
/// The pod's requests must fit in what the node has left: allocatable minus the requests of the pods
/// already counted there (Kubernetes' NodeResourcesFit). Every shortfall is reported, so one node can
/// add both "Insufficient cpu" and "Insufficient memory" to the message, as in Kubernetes.
/// </summary>
public sealed class ResourcesFitFilter : INodeFilter
{
    public string Name => Unschedulable.NodeResourcesFit;

    public int Filter(ClusterSnapshot snapshot, PodInfo pod, Span<int> candidates, RejectionLog rejections)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(rejections);
        var states = snapshot.NodeStates;
        var kept = 0;
        foreach (var id in candidates)
        {
            ref readonly var node = ref states[id];
            var tooManyPods = node.PodCount + 1 > node.AllocatablePods;
            // A request of zero asks for nothing, so even a node that is over-committed fits it.
            var noCpu = pod.MilliCpu > 0 && pod.MilliCpu > node.AllocatableMilliCpu - node.RequestedMilliCpu;
            var noMemory = pod.MemoryBytes > 0 && pod.MemoryBytes > node.AllocatableMemoryBytes - node.RequestedMemoryBytes;
            if (!(tooManyPods | noCpu | noMemory))
            {
                candidates[kept++] = id;
                continue;
            }
            if (tooManyPods)
                rejections.Reject(id, Name, FilterReasons.TooManyPods);
            if (noCpu)
                rejections.Reject(id, Name, FilterReasons.InsufficientCpu);
            if (noMemory)
                rejections.Reject(id, Name, FilterReasons.InsufficientMemory);
        }
        return kept;
    }
}
