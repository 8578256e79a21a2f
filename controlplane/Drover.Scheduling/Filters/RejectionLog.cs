namespace Drover.Scheduling;

/// <summary>
/// Why nodes were turned down during one decision, as (node, filter, reason) entries in a buffer the
/// scheduler reuses, so a rejection costs a store, not an allocation. A node may get several reasons
/// from one filter (Kubernetes' resources fit reports cpu and memory together).
/// </summary>
public sealed class RejectionLog
{
    private Entry[] _entries = new Entry[64];
    private int _count;

    public int Count => _count;

    internal ReadOnlySpan<Entry> Entries => new(_entries, 0, _count);

    /// <summary>Records that the node with <paramref name="nodeId"/> cannot take the pod, and why.</summary>
    public void Reject(int nodeId, string filter, string reason)
    {
        if (_count == _entries.Length)
            Array.Resize(ref _entries, _entries.Length * 2);
        _entries[_count++] = new Entry(nodeId, filter, reason);
    }

    /// <summary>The reasons recorded for the node with <paramref name="nodeId"/>, in the order the filters gave them.</summary>
    public List<string> ReasonsFor(int nodeId)
    {
        var reasons = new List<string>();
        foreach (var entry in Entries)
        {
            if (entry.NodeId == nodeId)
                reasons.Add(entry.Reason);
        }
        return reasons;
    }

    internal void Clear()
    {
        _count = 0;
    }

    internal readonly record struct Entry(int NodeId, string Filter, string Reason);
}
