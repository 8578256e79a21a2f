namespace Drover.Scheduling;

/// <summary>
/// The numbers and flags of one node that every decision reads, kept in one array indexed by node id
/// (<see cref="ClusterSnapshot.NodeStates"/>): a decision walks 64-byte entries in order instead of
/// chasing a reference per node to objects scattered over the heap, which at a thousand nodes was most
/// of its time. Names, labels and taints stay on <see cref="NodeInfo"/>, read only when needed.
/// </summary>
public struct NodeState
{
    public long AllocatableMilliCpu { get; internal set; }

    public long AllocatableMemoryBytes { get; internal set; }

    public long AllocatablePods { get; internal set; }

    /// <summary>Sum of the cpu requests of the pods counted on the node, in millicores.</summary>
    public long RequestedMilliCpu { get; internal set; }

    public long RequestedMemoryBytes { get; internal set; }

    /// <summary>As <see cref="RequestedMilliCpu"/> with Kubernetes' non-zero defaults; only scoring reads it.</summary>
    public long NonZeroRequestedMilliCpu { get; internal set; }

    public long NonZeroRequestedMemoryBytes { get; internal set; }

    public int PodCount { get; internal set; }

    internal NodeFlags Flags { get; set; }

    /// <summary>The node's Ready condition is True.</summary>
    public readonly bool Ready => (Flags & NodeFlags.Ready) != 0;

    /// <summary><c>spec.unschedulable</c>: cordoned.</summary>
    public readonly bool Unschedulable => (Flags & NodeFlags.Unschedulable) != 0;

    /// <summary>Has a NoSchedule or NoExecute taint, so the taint filter has something to check.</summary>
    public readonly bool HasBlockingTaints => (Flags & NodeFlags.BlockingTaints) != 0;

    /// <summary>Has a PreferNoSchedule taint, so the taint scorer has something to count.</summary>
    public readonly bool HasPreferNoScheduleTaints => PreferNoScheduleTaints != 0;

    /// <summary>How many PreferNoSchedule taints the node has: the taint scorer's count for a pod that tolerates none.</summary>
    public readonly int PreferNoScheduleTaints => (int)Flags >>> PreferNoScheduleShift;

    /// <summary>The taint count shares the flags word so the state stays one 64-byte cache line.</summary>
    internal const int PreferNoScheduleShift = 8;

    internal void Add(PodInfo pod)
    {
        RequestedMilliCpu += pod.MilliCpu;
        RequestedMemoryBytes += pod.MemoryBytes;
        NonZeroRequestedMilliCpu += pod.NonZeroMilliCpu;
        NonZeroRequestedMemoryBytes += pod.NonZeroMemoryBytes;
        PodCount++;
    }

    internal void Remove(PodInfo pod)
    {
        RequestedMilliCpu -= pod.MilliCpu;
        RequestedMemoryBytes -= pod.MemoryBytes;
        NonZeroRequestedMilliCpu -= pod.NonZeroMilliCpu;
        NonZeroRequestedMemoryBytes -= pod.NonZeroMemoryBytes;
        PodCount--;
    }
}

[Flags]
internal enum NodeFlags
{
    None = 0,
    Ready = 1,
    Unschedulable = 2,
    BlockingTaints = 4,
}
