namespace Drover.Scheduling;

/// <summary>
/// How many pods of one controller sit on each node, keyed by <see cref="NodeInfo.Id"/>. Sparse because
/// an owner usually covers a few nodes of many: the spread scorer walks these entries, not all nodes.
/// </summary>
internal sealed class OwnerReplicas
{
    private readonly Dictionary<int, int> _countsByNodeId = [];

    public int Total { get; private set; }

    public Dictionary<int, int> CountsByNodeId => _countsByNodeId;

    public int CountOn(int nodeId) => _countsByNodeId.GetValueOrDefault(nodeId);

    public void Add(int nodeId)
    {
        _countsByNodeId[nodeId] = _countsByNodeId.GetValueOrDefault(nodeId) + 1;
        Total++;
    }

    public void Remove(int nodeId)
    {
        var count = _countsByNodeId.GetValueOrDefault(nodeId) - 1;
        // Zero entries are dropped so a node id can be handed to another node without stale counts.
        if (count <= 0)
            _countsByNodeId.Remove(nodeId);
        else
            _countsByNodeId[nodeId] = count;
        Total--;
    }
}
