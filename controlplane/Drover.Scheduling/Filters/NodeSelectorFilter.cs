namespace Drover.Scheduling;

/// <summary>
/// Every <c>spec.nodeSelector</c> pair must be a label of the node, value included (Kubernetes'
/// NodeAffinity plugin, which also owns the plain node selector).
/// </summary>
public sealed class NodeSelectorFilter : INodeFilter
{
    public string Name => "NodeAffinity";

    public int Filter(ClusterSnapshot snapshot, PodInfo pod, Span<int> candidates, RejectionLog rejections)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(rejections);
        var selector = pod.NodeSelector;
        if (selector.IsEmpty)
            return candidates.Length;
        // One set per pair, looked up once per decision; the loop then only tests bits.
        var first = snapshot.NodesLabelled(selector[0].Key, selector[0].Value);
        var kept = 0;
        foreach (var id in candidates)
        {
            if (first.Contains(id) && (selector.Length == 1 || MatchesRest(snapshot, id, selector)))
                candidates[kept++] = id;
            else
                rejections.Reject(id, Name, FilterReasons.NodeSelectorMismatch);
        }
        return kept;
    }

    private static bool MatchesRest(ClusterSnapshot snapshot, int id, ReadOnlySpan<KeyValuePair<string, string>> selector)
    {
        for (var i = 1; i < selector.Length; i++)
        {
            if (!snapshot.NodesLabelled(selector[i].Key, selector[i].Value).Contains(id))
                return false;
        }
        return true;
    }
}
