namespace Drover.Scheduling;

/// <summary>
/// Kubernetes' NodeResourcesFit LeastAllocated strategy: prefers the node with the most cpu and memory
/// left after placing the pod, averaging the two. Uses non-zero requests so pods without requests still
/// count for something and spread instead of piling onto one node.
/// </summary>
public sealed class LeastAllocatedScorer : INodeScorer
{
    public LeastAllocatedScorer(int weight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        Weight = weight;
    }

    public string Name => "NodeResourcesLeastAllocated";

    public int Weight { get; }

    public void Score(ClusterSnapshot snapshot, PodInfo pod, ReadOnlySpan<int> nodeIds, Span<long> scores)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        var states = snapshot.NodeStates;
        for (var i = 0; i < nodeIds.Length; i++)
        {
            ref readonly var node = ref states[nodeIds[i]];
            var cpu = FreeShare(node.NonZeroRequestedMilliCpu + pod.NonZeroMilliCpu, node.AllocatableMilliCpu);
            var memory = FreeShare(node.NonZeroRequestedMemoryBytes + pod.NonZeroMemoryBytes, node.AllocatableMemoryBytes);
            scores[i] = (cpu + memory) / 2;
        }
    }

    /// <summary>Kubernetes leastRequestedScore: the unrequested share of <paramref name="capacity"/>, 0–100.</summary>
    public static long FreeShare(long requested, long capacity) =>
        capacity <= 0 || requested > capacity ? 0
        : capacity < ExactLimit ? NodeScores.Quotient((capacity - requested) * NodeScores.Max, capacity)
        : (capacity - requested) * NodeScores.Max / capacity;

    /// <summary>Below this capacity (90 TB of memory) the free share times 100 stays under 2^53, where <see cref="NodeScores.Quotient"/> is exact.</summary>
    private const long ExactLimit = (1L << 53) / NodeScores.Max;
}
