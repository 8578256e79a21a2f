using System.Collections;
using System.Runtime.InteropServices;

namespace Drover.Scheduling;

/// <summary>
/// The per-node reasons of an <see cref="Unschedulable"/> decision, kept as a few flat arrays and turned
/// into <see cref="NodeRejection"/> objects only if someone reads them. A pod that fits nowhere is tried
/// again and again and the scheduling loop only needs the message, so at a thousand nodes this keeps an
/// attempt from allocating a thousand objects (and lists of reasons) that nobody looks at. Grouped by node
/// in first-seen order.
/// </summary>
internal sealed class RejectionList : IReadOnlyList<NodeRejection>
{
    private readonly string[] _nodes;
    private readonly string[] _filters;
    private readonly int[] _starts;
    private readonly string[] _reasons;
    private readonly int _count;
    private NodeRejection[]? _built;

    private RejectionList(string[] nodes, string[] filters, int[] starts, string[] reasons, int count)
    {
        _nodes = nodes;
        _filters = filters;
        _starts = starts;
        _reasons = reasons;
        _count = count;
    }

    public int Count => _count;

    public NodeRejection this[int index] => Built()[index];

    /// <summary>Copies <paramref name="entries"/> (the log is reused) and counts how many nodes gave each reason.</summary>
    public static RejectionList From(ClusterSnapshot snapshot, ReadOnlySpan<RejectionLog.Entry> entries, out Dictionary<string, int> histogram, out IReadOnlyCollection<string> rejectingFilters)
    {
        var distinctFilters = new List<string>(4);
        // Few distinct reasons, nearly all the same string instances: a short list checked by reference
        // first costs less than hashing every reason.
        var counted = new List<(string Reason, int Count)>(8);
        Dictionary<string, int>? many = null;
        // A node's entries come from one filter and are nearly always consecutive, but nothing requires
        // it: number the groups through an array indexed by node id, then lay the reasons out by group.
        // Arrays are sized for the worst case (one group per entry) rather than grown.
        var groupOf = new int[snapshot.NodeIdLimit];
        var groupOfEntry = new int[entries.Length];
        var starts = new int[entries.Length + 1];
        var nodes = new string[entries.Length];
        var filters = new string[entries.Length];
        var groups = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (many is not null || !TryTally(counted, entry.Reason))
                CollectionsMarshal.GetValueRefOrAddDefault(many ??= new Dictionary<string, int>(StringComparer.Ordinal), entry.Reason, out _)++;
            var group = groupOf[entry.NodeId] - 1;
            if (group < 0)
            {
                group = groups++;
                groupOf[entry.NodeId] = group + 1;
                nodes[group] = snapshot.NodeAt(entry.NodeId).Name;
                filters[group] = entry.Filter;
                if (!distinctFilters.Contains(entry.Filter))
                    distinctFilters.Add(entry.Filter);
            }
            starts[group + 1]++;
            groupOfEntry[i] = group;
        }
        // Counts to start offsets; "next" (the group's fill position) reuses groupOf, no longer needed.
        var next = groupOf.Length >= groups ? groupOf : new int[groups];
        for (var g = 0; g < groups; g++)
        {
            starts[g + 1] += starts[g];
            next[g] = starts[g];
        }
        var reasons = new string[entries.Length];
        for (var i = 0; i < entries.Length; i++)
            reasons[next[groupOfEntry[i]]++] = entries[i].Reason;
        rejectingFilters = distinctFilters;
        histogram = many ?? new Dictionary<string, int>(counted.Count, StringComparer.Ordinal);
        foreach (var (reason, count) in counted)
            CollectionsMarshal.GetValueRefOrAddDefault(histogram, reason, out _) += count;
        return new RejectionList(nodes, filters, starts, reasons, groups);
    }

    /// <summary>Counts <paramref name="reason"/> in the short list; false once the list is too long to scan.</summary>
    private static bool TryTally(List<(string Reason, int Count)> counted, string reason)
    {
        var span = CollectionsMarshal.AsSpan(counted);
        for (var i = 0; i < span.Length; i++)
        {
            if (ReferenceEquals(span[i].Reason, reason))
            {
                span[i].Count++;
                return true;
            }
        }
        // Equal strings that are different instances (a taint's reason is built per node) each get an
        // entry here and are merged by the dictionary at the end; past a few, use the dictionary alone.
        if (counted.Count == MaxScanned)
            return false;
        counted.Add((reason, 1));
        return true;
    }

    private const int MaxScanned = 16;

    public IEnumerator<NodeRejection> GetEnumerator() => ((IEnumerable<NodeRejection>)Built()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private NodeRejection[] Built()
    {
        if (Volatile.Read(ref _built) is { } built)
            return built;
        built = new NodeRejection[_count];
        for (var g = 0; g < built.Length; g++)
            built[g] = new NodeRejection(_nodes[g], _filters[g], _reasons[_starts[g].._starts[g + 1]]);
        // Two readers may both build: either result is the same, keep the first.
        return Interlocked.CompareExchange(ref _built, built, null) ?? built;
    }
}
