using System.Runtime.InteropServices;

namespace Drover.Scheduling;

/// <summary>
/// kube-scheduler's FitError text: "0/N nodes are available: " and each reason with the number of nodes
/// giving it, the "count reason" strings sorted as Go's sort.Strings sorts them (ordinal, count
/// included), joined by ", ", and a full stop.
/// </summary>
internal static class UnschedulableMessage
{
    /// <summary>Kubernetes ErrNoNodesAvailable, for a cluster with no nodes at all.</summary>
    public const string NoNodes = "no nodes available to schedule pods";

    public static string Format(int nodeCount, IReadOnlyList<NodeRejection> rejections)
    {
        var histogram = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rejection in rejections)
        {
            foreach (var reason in rejection.Reasons)
                CollectionsMarshal.GetValueRefOrAddDefault(histogram, reason, out _)++;
        }
        return FromCounts(nodeCount, histogram);
    }

    /// <summary>From reasons already counted (how many nodes gave each).</summary>
    public static string FromCounts(int nodeCount, Dictionary<string, int> histogram)
    {
        var parts = new List<string>(histogram.Count);
        foreach (var (reason, count) in histogram)
            parts.Add($"{count} {reason}");
        parts.Sort(StringComparer.Ordinal);
        var message = $"0/{nodeCount} nodes are available:";
        return parts.Count == 0 ? message : $"{message} {string.Join(", ", parts)}.";
    }
}
