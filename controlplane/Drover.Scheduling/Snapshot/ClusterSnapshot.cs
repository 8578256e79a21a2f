using Drover.Api;

namespace Drover.Scheduling;

/// <summary>
/// The scheduler's view of the cluster, kept up to date one event at a time: nodes with what they offer,
/// and per node the requests of the pods placed there (bound, or assumed by the scheduler while the
/// binding is in flight), plus each controller's replica count per node. A pod event costs O(1), a node
/// event O(label pairs selected on) and O(nodes) when a node leaves, so no decision ever re-adds pods:
/// O(nodes) per pod, not O(pods × nodes).
/// </summary>
/// <remarks>
/// Not thread-safe: one scheduling loop applies watch events between decisions, as Kubernetes' scheduler
/// cache does. A pod is identified by <see cref="PodInfo.Key"/> (its UID once stored).
/// </remarks>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<string, NodeInfo> _nodesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PodPlacement> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OwnerReplicas> _owners = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeIds = new();
    private readonly LabelIndex _labels = new();
    private NodeState[] _states = new NodeState[16];
    private NodeInfo?[] _infos = new NodeInfo?[16];
    private string?[] _blockingTaintReasons = new string?[16];
    private int[] _presentIds = new int[16];
    private int _presentCount;
    private int _nextId;

    public ClusterSnapshot()
    {
        Nodes = new PresentNodes(this);
    }

    /// <summary>The ids of the nodes that exist, in the order they were added: the candidates of every decision.</summary>
    public ReadOnlySpan<int> NodeIds => new(_presentIds, 0, _presentCount);

    /// <summary>Every node's <see cref="NodeState"/>, indexed by <see cref="NodeInfo.Id"/> (ids of forgotten nodes hold zeros).</summary>
    public ReadOnlySpan<NodeState> NodeStates => new(_states, 0, _nextId);

    /// <summary>The nodes that exist, in <see cref="NodeIds"/> order.</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; }

    /// <summary>Pods whose requests are counted (bound or assumed).</summary>
    public int PodCount => _pods.Count;

    /// <summary>One more than the largest <see cref="NodeInfo.Id"/> in use: the length of an array indexed by node.</summary>
    public int NodeIdLimit => _nextId;

    /// <summary>A snapshot built from lists, as the loop does at start-up (and the tests do to check the incremental one).</summary>
    public static ClusterSnapshot Build(IEnumerable<Node> nodes, IEnumerable<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(pods);
        var snapshot = new ClusterSnapshot();
        foreach (var node in nodes)
            snapshot.UpsertNode(node);
        foreach (var pod in pods)
            snapshot.UpsertPod(pod);
        return snapshot;
    }

    /// <summary>The node named <paramref name="name"/>, or null when there is no such node (pods naming a gone node do not make it exist).</summary>
    public NodeInfo? FindNode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _nodesByName.TryGetValue(name, out var node) && node.Node is not null ? node : null;
    }

    /// <summary>The node with id <paramref name="nodeId"/> (from <see cref="NodeIds"/> or a filter's candidates).</summary>
    public NodeInfo NodeAt(int nodeId) =>
        (uint)nodeId < (uint)_nextId && _infos[nodeId] is { } node ? node : throw new ArgumentOutOfRangeException(nameof(nodeId));

    /// <summary>The nodes carrying the label <paramref name="key"/>=<paramref name="value"/>, as a set of ids.</summary>
    internal NodeBitSet NodesLabelled(string key, string value) => _labels.Nodes(key, value, Nodes);

    /// <summary>Why the node's first NoSchedule/NoExecute taint keeps out a pod that tolerates nothing (null when it has none).</summary>
    internal string? FirstBlockingTaintReason(int nodeId) => _blockingTaintReasons[nodeId];

    /// <summary>Where the pod with <paramref name="podKey"/> is counted, or null.</summary>
    public string? NodeNameOf(string podKey)
    {
        ArgumentNullException.ThrowIfNull(podKey);
        return _pods.TryGetValue(podKey, out var placement) ? placement.Node.Name : null;
    }

    /// <summary>How many pods of the controller with <paramref name="ownerUid"/> are counted on <paramref name="nodeName"/>.</summary>
    public int ReplicasOn(string ownerUid, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(ownerUid);
        ArgumentNullException.ThrowIfNull(nodeName);
        return _owners.TryGetValue(ownerUid, out var owner) && _nodesByName.TryGetValue(nodeName, out var node)
            ? owner.CountOn(node.Id)
            : 0;
    }

    /// <summary>A node was added or changed (status, labels, taints, cordon): re-read it, keep its pods' accounting.</summary>
    public void UpsertNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = node.Metadata?.Name;
        ArgumentException.ThrowIfNullOrEmpty(name, "node.Metadata.Name");
        var info = GetOrCreate(name);
        var wasPresent = info.Node is not null;
        info.SetNode(node, ref _states[info.Id]);
        _blockingTaintReasons[info.Id] = info.FirstBlockingTaint?.UntoleratedReason;
        _labels.Update(info);
        if (!wasPresent)
            AppendPresent(info.Id);
    }

    /// <summary>A node was deleted. Pods still counted on it stay counted until they are removed too.</summary>
    public bool RemoveNode(string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        if (!_nodesByName.TryGetValue(nodeName, out var info) || info.Node is null)
            return false;
        info.SetNode(null, ref _states[info.Id]);
        _blockingTaintReasons[info.Id] = null;
        _labels.Update(info);
        RemovePresent(info.Id);
        ReleaseIfUnused(info);
        return true;
    }

    /// <summary>
    /// Counts <paramref name="pod"/> on <paramref name="nodeName"/>, moving it if it was counted elsewhere.
    /// The loop calls this right after a placement, before the binding is written, so the next decision
    /// already sees the node's requests (Kubernetes' AssumePod).
    /// </summary>
    public void Assume(PodInfo pod, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        Forget(pod.Key);
        var node = GetOrCreate(nodeName);
        _states[node.Id].Add(pod);
        _pods.Add(pod.Key, new PodPlacement(pod, node));
        if (pod.OwnerUid is { } ownerUid)
        {
            if (!_owners.TryGetValue(ownerUid, out var owner))
                _owners.Add(ownerUid, owner = new OwnerReplicas());
            owner.Add(node.Id);
        }
    }

    /// <summary>Stops counting the pod (its binding failed, or it is gone). False when it was not counted.</summary>
    public bool Forget(string podKey)
    {
        ArgumentNullException.ThrowIfNull(podKey);
        if (!_pods.Remove(podKey, out var placement))
            return false;
        var (pod, node) = placement;
        _states[node.Id].Remove(pod);
        if (pod.OwnerUid is { } ownerUid && _owners.TryGetValue(ownerUid, out var owner))
        {
            owner.Remove(node.Id);
            if (owner.Total == 0)
                _owners.Remove(ownerUid);
        }
        ReleaseIfUnused(node);
        return true;
    }

    public bool Forget(PodInfo pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return Forget(pod.Key);
    }

    /// <summary>
    /// A pod was added or changed in the store. Bound and not finished: counted on its node (replacing an
    /// assumption). Succeeded or Failed: no longer counted, its containers are gone. Not bound: left as is,
    /// so a stale event from before the binding cannot undo an assumption.
    /// </summary>
    public void UpsertPod(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Status?.Phase is PodPhases.Succeeded or PodPhases.Failed)
        {
            Forget(PodInfo.KeyOf(pod));
            return;
        }
        if (pod.Spec?.NodeName is { Length: > 0 } nodeName)
            Assume(PodInfo.From(pod), nodeName);
    }

    /// <summary>A pod was deleted from the store.</summary>
    public bool RemovePod(Pod pod) => Forget(PodInfo.KeyOf(pod));

    /// <summary>Every node known, including gone ones that pods still name (for tests that compare accounting).</summary>
    internal IEnumerable<NodeInfo> AllNodes => _nodesByName.Values;

    internal OwnerReplicas? FindOwner(string? ownerUid) =>
        ownerUid is not null && _owners.TryGetValue(ownerUid, out var owner) ? owner : null;

    private NodeInfo GetOrCreate(string name)
    {
        if (_nodesByName.TryGetValue(name, out var info))
            return info;
        var id = _freeIds.Count > 0 ? _freeIds.Pop() : _nextId++;
        if (id == _states.Length)
        {
            Array.Resize(ref _states, id * 2);
            Array.Resize(ref _infos, id * 2);
            Array.Resize(ref _blockingTaintReasons, id * 2);
        }
        info = new NodeInfo(this, name, id);
        _states[id] = default;
        _infos[id] = info;
        _nodesByName.Add(name, info);
        return info;
    }

    /// <summary>A node that is gone and has no pods left is forgotten, and its id handed out again.</summary>
    private void ReleaseIfUnused(NodeInfo info)
    {
        if (info.Node is not null || _states[info.Id].PodCount > 0)
            return;
        _nodesByName.Remove(info.Name);
        info.IsForgotten = true;
        _states[info.Id] = default;
        _infos[info.Id] = null;
        _freeIds.Push(info.Id);
    }

    private void AppendPresent(int id)
    {
        if (_presentCount == _presentIds.Length)
            Array.Resize(ref _presentIds, _presentIds.Length * 2);
        _presentIds[_presentCount++] = id;
    }

    private void RemovePresent(int id)
    {
        // Shifting keeps the order stable (and so tie-breaking reproducible); nodes leave rarely.
        var index = Array.IndexOf(_presentIds, id, 0, _presentCount);
        Array.Copy(_presentIds, index + 1, _presentIds, index, _presentCount - index - 1);
        _presentCount--;
    }

    private readonly record struct PodPlacement(PodInfo Pod, NodeInfo Node);
}
