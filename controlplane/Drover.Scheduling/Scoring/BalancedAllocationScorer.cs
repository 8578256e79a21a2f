namespace Drover.Scheduling;

/// <summary>
/// Kubernetes' NodeResourcesBalancedAllocation: prefers the node whose cpu and memory would be used in
/// the most equal shares after placing the pod (score = (1 − |cpu share − memory share| / 2) × 100), so
/// no node runs out of one resource with the other left idle.
/// </summary>
public sealed class BalancedAllocationScorer : INodeScorer
{
    public BalancedAllocationScorer(int weight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        Weight = weight;
    }

    public string Name => "NodeResourcesBalancedAllocation";

    public int Weight { get; }

    public void Score(ClusterSnapshot snapshot, PodInfo pod, ReadOnlySpan<int> nodeIds, Span<long> scores)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        // As Kubernetes since 1.32 (issue 129138): a pod without requests changes no balance, and scoring
        // it anyway sent every such pod to the same node.
        if (pod.IsBestEffort)
        {
            scores.Clear();
            return;
        }
        var states = snapshot.NodeStates;
        for (var i = 0; i < nodeIds.Length; i++)
        {
            ref readonly var node = ref states[nodeIds[i]];
            scores[i] = Balance(
                node.RequestedMilliCpu + pod.MilliCpu, node.AllocatableMilliCpu,
                node.RequestedMemoryBytes + pod.MemoryBytes, node.AllocatableMemoryBytes);
        }
    }

    /// <summary>Kubernetes balancedResourceScorer for cpu and memory; a resource the node has none of is left out.</summary>
    public static long Balance(long requestedCpu, long allocatableCpu, long requestedMemory, long allocatableMemory)
    {
        if (allocatableCpu == 0 || allocatableMemory == 0)
            return NodeScores.Max;
        // Comparisons rather than Math.Min, whose NaN and signed-zero rules cost branches in the loop.
        var cpu = (double)requestedCpu / allocatableCpu;
        var memory = (double)requestedMemory / allocatableMemory;
        cpu = cpu > 1 ? 1 : cpu;
        memory = memory > 1 ? 1 : memory;
        var deviation = Math.Abs(cpu - memory) / 2;
        return (long)((1 - deviation) * NodeScores.Max);
    }
}
