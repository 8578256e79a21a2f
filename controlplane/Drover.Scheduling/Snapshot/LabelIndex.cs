namespace Drover.Scheduling;

/// <summary>
/// For each label pair some pod has selected on, the set of nodes carrying it. Built on first use (one
/// pass over the nodes) and kept current as nodes change, so a node selector costs a bit test per node
/// instead of a dictionary lookup (and a string hash) per node and pair.
/// </summary>
/// <remarks>
/// Only pairs that selectors ask for are indexed, not every label: a per-node label such as
/// <c>kubernetes.io/hostname</c> would otherwise add a set per node. The index is dropped wholesale if
/// selectors ever ask for more than <see cref="MaxPairs"/> distinct pairs, and rebuilt as they are used.
/// </remarks>
internal sealed class LabelIndex
{
    private const int MaxPairs = 4096;

    private readonly Dictionary<(string Key, string Value), NodeBitSet> _sets = [];

    public NodeBitSet Nodes(string key, string value, IEnumerable<NodeInfo> allNodes)
    {
        if (_sets.TryGetValue((key, value), out var set))
            return set;
        if (_sets.Count >= MaxPairs)
            _sets.Clear();
        set = new NodeBitSet();
        foreach (var node in allNodes)
            set.Set(node.Id, Carries(node, key, value));
        _sets.Add((key, value), set);
        return set;
    }

    /// <summary>Brings every indexed pair up to date for <paramref name="node"/> (added, relabelled, or gone).</summary>
    public void Update(NodeInfo node)
    {
        foreach (var ((key, value), set) in _sets)
            set.Set(node.Id, Carries(node, key, value));
    }

    private static bool Carries(NodeInfo node, string key, string value) =>
        node.Node is not null && node.LabelMap.TryGetValue(key, out var actual) && string.Equals(actual, value, StringComparison.Ordinal);
}
