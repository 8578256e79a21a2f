using Drover.Api;

namespace Drover.Scheduling;

/// <summary>
/// One node as the scheduler sees it: its name, Node object, labels and taints, and (through
/// <see cref="State"/>) what it offers and what the pods counted on it request. Filters and scorers in
/// the hot loop read <see cref="ClusterSnapshot.NodeStates"/> by id instead; this is the readable view.
/// </summary>
public sealed class NodeInfo
{
    private static readonly Dictionary<string, string> NoLabels = new(StringComparer.Ordinal);
    private static readonly NodeState Forgotten;

    private readonly ClusterSnapshot _snapshot;
    private Dictionary<string, string> _labels = NoLabels;
    private NodeTaint[] _taints = [];

    internal NodeInfo(ClusterSnapshot snapshot, string name, int id)
    {
        _snapshot = snapshot;
        Name = name;
        Id = id;
    }

    public string Name { get; }

    /// <summary>
    /// A small dense number, handed to another node once this one is forgotten: the index into
    /// <see cref="ClusterSnapshot.NodeStates"/>, and what filters and scorers get as candidates.
    /// </summary>
    public int Id { get; }

    /// <summary>
    /// The Node object, or null while the node is gone but pods still name it (as in Kubernetes'
    /// scheduler cache, their requests stay counted in case the node comes back).
    /// </summary>
    public Node? Node { get; private set; }

    /// <summary>
    /// What the node offers and what is counted on it. Zeros once the snapshot has forgotten the node,
    /// so a stale reference never reads the numbers of whichever node was given its id next.
    /// </summary>
    public ref readonly NodeState State => ref IsForgotten ? ref Forgotten : ref _snapshot.NodeStates[Id];

    internal bool IsForgotten { get; set; }

    public bool Ready => State.Ready;

    public bool Unschedulable => State.Unschedulable;

    public IReadOnlyDictionary<string, string> Labels => _labels;

    public ReadOnlySpan<NodeTaint> Taints => _taints;

    /// <summary>The first NoSchedule or NoExecute taint, which is what turns away a pod without tolerations.</summary>
    public NodeTaint? FirstBlockingTaint { get; private set; }

    public long AllocatableMilliCpu => State.AllocatableMilliCpu;

    public long AllocatableMemoryBytes => State.AllocatableMemoryBytes;

    public long AllocatablePods => State.AllocatablePods;

    public long RequestedMilliCpu => State.RequestedMilliCpu;

    public long RequestedMemoryBytes => State.RequestedMemoryBytes;

    public long NonZeroRequestedMilliCpu => State.NonZeroRequestedMilliCpu;

    public long NonZeroRequestedMemoryBytes => State.NonZeroRequestedMemoryBytes;

    public int PodCount => State.PodCount;

    /// <summary>Label lookups in the filter loop go straight to the dictionary, not through the interface.</summary>
    internal Dictionary<string, string> LabelMap => _labels;

    public override string ToString() => Name;

    /// <summary>Reads <paramref name="node"/> (null: the node is gone) into this view and into <paramref name="state"/>; pod accounting is left alone.</summary>
    internal void SetNode(Node? node, ref NodeState state)
    {
        Node = node;
        _labels = node?.Metadata?.Labels ?? NoLabels;
        _taints = ReadTaints(node?.Spec?.Taints);
        FirstBlockingTaint = null;
        var flags = NodeFlags.None;
        var preferNoSchedule = 0;
        if (node?.Status?.Conditions is { } conditions && IsReady(conditions))
            flags |= NodeFlags.Ready;
        if (node?.Spec?.Unschedulable == true)
            flags |= NodeFlags.Unschedulable;
        foreach (var taint in _taints)
        {
            if (taint.BlocksScheduling)
            {
                flags |= NodeFlags.BlockingTaints;
                FirstBlockingTaint ??= taint;
            }
            else if (taint.Effect == TaintEffects.PreferNoSchedule)
            {
                preferNoSchedule++;
            }
        }
        state.Flags = flags | (NodeFlags)(Math.Min(preferNoSchedule, 0xFFFF) << NodeState.PreferNoScheduleShift);
        var allocatable = node?.Status?.Allocatable;
        // A node that reports no allocatable offers nothing: Kubernetes treats a missing "pods" as zero too.
        state.AllocatableMilliCpu = allocatable is not null && allocatable.TryGetValue("cpu", out var cpu) ? cpu.MilliValue : 0;
        state.AllocatableMemoryBytes = allocatable is not null && allocatable.TryGetValue("memory", out var memory) ? memory.Value : 0;
        state.AllocatablePods = allocatable is not null && allocatable.TryGetValue("pods", out var pods) ? pods.Value : 0;
    }

    private static bool IsReady(List<NodeCondition> conditions)
    {
        foreach (var condition in conditions)
        {
            if (condition?.Type == "Ready")
                return condition.Status == "True";
        }
        return false;
    }

    private static NodeTaint[] ReadTaints(List<Taint>? taints)
    {
        if (taints is not { Count: > 0 })
            return [];
        var read = new List<NodeTaint>(taints.Count);
        foreach (var taint in taints)
        {
            if (taint is not null)
                read.Add(new NodeTaint(taint.Key ?? "", taint.Value ?? "", taint.Effect ?? ""));
        }
        return [.. read];
    }
}
