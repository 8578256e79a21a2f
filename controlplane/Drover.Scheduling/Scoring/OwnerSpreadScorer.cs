namespace Drover.Scheduling;

/// <summary>
/// Keeps the replicas of one controller apart (Kubernetes' SelectorSpread, with the controller
/// ownerReference as the selector): the node with the most replicas of the pod's owner scores 0, a node
/// with none 100. A pod without a controller gets 100 everywhere.
/// </summary>
/// <remarks>
/// Holds scratch arrays indexed by node id, reused from decision to decision, so the cost is the owner's
/// nodes plus the feasible nodes, with no dictionary lookup per node; a scorer (like the
/// <see cref="Scheduler"/> owning it) therefore serves one decision at a time.
/// </remarks>
public sealed class OwnerSpreadScorer : INodeScorer
{
    private int[] _stamps = [];
    private int[] _counts = [];
    private int _stamp;

    public OwnerSpreadScorer(int weight = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        Weight = weight;
    }

    public string Name => "OwnerSpread";

    /// <summary>2, as Kubernetes weighs its default spreading (PodTopologySpread).</summary>
    public int Weight { get; }

    public void Score(ClusterSnapshot snapshot, PodInfo pod, ReadOnlySpan<int> nodeIds, Span<long> scores)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        if (snapshot.FindOwner(pod.OwnerUid) is not { } owner)
        {
            scores.Fill(NodeScores.Max);
            return;
        }
        NextStamp(snapshot.NodeIdLimit);
        // Stamping marks which entries are this decision's, so nothing needs clearing afterwards.
        foreach (var (nodeId, count) in owner.CountsByNodeId)
        {
            _stamps[nodeId] = _stamp;
            _counts[nodeId] = count;
        }
        long most = 0;
        for (var i = 0; i < nodeIds.Length; i++)
        {
            var id = nodeIds[i];
            long count = _stamps[id] == _stamp ? _counts[id] : 0;
            scores[i] = count;
            most = Math.Max(most, count);
        }
        NodeScores.FewerIsBetter(scores, most);
    }

    private void NextStamp(int nodeIdLimit)
    {
        if (_stamps.Length < nodeIdLimit)
        {
            var length = Math.Max(nodeIdLimit, _stamps.Length * 2);
            Array.Resize(ref _stamps, length);
            Array.Resize(ref _counts, length);
        }
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_stamps);
            _stamp = 1;
        }
    }
}
