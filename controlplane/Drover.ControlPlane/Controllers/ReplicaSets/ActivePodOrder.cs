using System.Globalization;
using Drover.Api;

namespace Drover.ControlPlane.Controllers.ReplicaSets;

/// <summary>
/// Which pods a ReplicaSet gives up first when it has too many (Kubernetes' ActivePodsWithRanks): the ones
/// that cost least to lose. Unscheduled before scheduled; Pending before Unknown before Running; not ready
/// before ready; lower pod-deletion-cost first; pods doubled up on a node with related pods first; the most
/// recently ready first; more restarts first; newest first. A final name comparison keeps it deterministic.
/// </summary>
public sealed class ActivePodOrder : IComparer<Pod>
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    private readonly IReadOnlyDictionary<string, int> _podsOnNode;

    /// <param name="podsOnNode">Related active pods per node name; a pod's rank is the count on its node.</param>
    public ActivePodOrder(IReadOnlyDictionary<string, int> podsOnNode)
    {
        ArgumentNullException.ThrowIfNull(podsOnNode);
        _podsOnNode = podsOnNode;
    }

    public int Compare(Pod? x, Pod? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;

        var xAssigned = !string.IsNullOrEmpty(x.Spec.NodeName);
        var yAssigned = !string.IsNullOrEmpty(y.Spec.NodeName);
        if (xAssigned != yAssigned)
            return xAssigned ? 1 : -1;

        var byPhase = PhaseOrdinal(x).CompareTo(PhaseOrdinal(y));
        if (byPhase != 0)
            return byPhase;

        var xReady = PodStates.IsReady(x);
        var yReady = PodStates.IsReady(y);
        if (xReady != yReady)
            return xReady ? 1 : -1;

        var byCost = DeletionCost(x).CompareTo(DeletionCost(y));
        if (byCost != 0)
            return byCost;

        // More related pods on the same node first: removing a doubled-up pod spreads what is left.
        var byRank = Rank(y).CompareTo(Rank(x));
        if (byRank != 0)
            return byRank;

        if (xReady)
        {
            var byReady = NewerFirst(PodStates.ReadySince(x), PodStates.ReadySince(y));
            if (byReady != 0)
                return byReady;
        }

        var byRestarts = MaxRestarts(y).CompareTo(MaxRestarts(x));
        if (byRestarts != 0)
            return byRestarts;

        var byAge = NewerFirst(x.Metadata.CreationTimestamp, y.Metadata.CreationTimestamp);
        if (byAge != 0)
            return byAge;

        return string.CompareOrdinal(x.Metadata.Name, y.Metadata.Name);
    }

    /// <summary>Counts active pods per node among <paramref name="related"/> (the pods of the same workload).</summary>
    public static Dictionary<string, int> CountPodsOnNodes(IEnumerable<Pod> related)
    {
        ArgumentNullException.ThrowIfNull(related);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pod in related)
        {
            if (!PodStates.IsActive(pod))
                continue;
            var node = pod.Spec.NodeName ?? "";
            counts[node] = counts.GetValueOrDefault(node) + 1;
        }
        return counts;
    }

    private int Rank(Pod pod) => _podsOnNode.GetValueOrDefault(pod.Spec.NodeName ?? "");

    private static int PhaseOrdinal(Pod pod) => pod.Status?.Phase switch
    {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };

    private static int DeletionCost(Pod pod) =>
        pod.Metadata.Annotations?.TryGetValue(DeletionCostAnnotation, out var text) == true
        && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static int MaxRestarts(Pod pod)
    {
        var max = 0;
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
            max = Math.Max(max, status.RestartCount);
        return max;
    }

    /// <summary>Unknown times first, then the later time first (Kubernetes afterOrZero).</summary>
    private static int NewerFirst(DateTimeOffset? x, DateTimeOffset? y)
    {
        if (x == y)
            return 0;
        if (x is null || x == DateTimeOffset.MinValue)
            return -1;
        if (y is null || y == DateTimeOffset.MinValue)
            return 1;
        return y.Value.CompareTo(x.Value);
    }
}
