using Drover.Api;

namespace Drover.ControlPlane.Controllers.PodGarbageCollection;

/// <summary>
/// Which pods the pod garbage collector removes, as pure functions of the cached objects (Kubernetes'
/// pkg/controller/podgc): the oldest terminated pods over the threshold and terminating pods on out-of-service nodes.
/// Orphans need a clock and a confirming read: see <see cref="PodGarbageCollector"/>.
/// </summary>
internal static class PodGcSelection
{
    /// <summary>The taint an administrator puts on a node known to be shut down, so its terminating pods may go at once.</summary>
    public const string OutOfServiceTaint = "node.kubernetes.io/out-of-service";

    /// <summary>The kubelet's reason on a pod it evicted (Kubernetes' eviction.PodIsEvicted).</summary>
    public const string EvictedReason = "Evicted";

    /// <summary>
    /// The terminated pods beyond <paramref name="threshold"/>, evicted ones first, then oldest first (name breaks ties),
    /// so the pods a controller's history limit would keep go last. Empty when the threshold is 0 (off) or not exceeded.
    /// </summary>
    public static List<Pod> TerminatedOverThreshold(IEnumerable<Pod> pods, int threshold)
    {
        ArgumentNullException.ThrowIfNull(pods);
        if (threshold <= 0)
            return [];
        var terminated = pods.Where(PodStates.IsTerminal).ToList();
        var excess = terminated.Count - threshold;
        if (excess <= 0)
            return [];
        terminated.Sort(ByEvictionAndCreation);
        return terminated.GetRange(0, excess);
    }

    /// <summary>Terminating pods on a node that is not Ready and carries the out-of-service taint: no agent will finish them.</summary>
    public static List<Pod> TerminatingOutOfService(IEnumerable<Pod> pods, Func<string, Node?> nodeNamed)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(nodeNamed);
        var result = new List<Pod>();
        foreach (var pod in pods)
        {
            if (pod.Metadata.DeletionTimestamp is null || pod.Spec.NodeName is not { Length: > 0 } nodeName || nodeNamed(nodeName) is not { } node)
                continue;
            var ready = node.Status?.Conditions?.Find(c => c?.Type == "Ready")?.Status == "True";
            if (!ready && node.Spec.Taints?.Exists(t => t?.Key == OutOfServiceTaint) == true)
                result.Add(pod);
        }
        result.Sort(ByEvictionAndCreation);
        return result;
    }

    /// <summary>The node names pods are bound to that the node cache does not hold.</summary>
    public static HashSet<string> MissingNodes(IEnumerable<Pod> pods, Func<string, bool> nodeExists)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(nodeExists);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (pod.Spec.NodeName is { Length: > 0 } nodeName && !nodeExists(nodeName))
                missing.Add(nodeName);
        }
        return missing;
    }

    /// <summary>Kubernetes' byEvictionAndCreationTimestamp: evicted first, then by creation time, then by name.</summary>
    public static int ByEvictionAndCreation(Pod a, Pod b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var aEvicted = IsEvicted(a);
        if (aEvicted != IsEvicted(b))
            return aEvicted ? -1 : 1;
        var byTime = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }

    private static bool IsEvicted(Pod pod) => pod.Status is { Phase: PodPhases.Failed, Reason: EvictedReason };
}
