using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>The orderings the Deployment controller sorts ReplicaSets by (Kubernetes' controller and deployment util sorters).</summary>
public static class ReplicaSetOrder
{
    /// <summary>Oldest first; same second: by name.</summary>
    public static readonly Comparison<ReplicaSet> ByCreation = (a, b) =>
    {
        var byTime = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    };

    /// <summary>Largest first; same size: newest first (where a proportional scale-up adds its leftovers).</summary>
    public static readonly Comparison<ReplicaSet> BySizeNewer = (a, b) =>
    {
        var bySize = Replicas(b).CompareTo(Replicas(a));
        return bySize != 0 ? bySize : ByCreation(b, a);
    };

    /// <summary>Largest first; same size: oldest first (where a proportional scale-down takes its leftovers).</summary>
    public static readonly Comparison<ReplicaSet> BySizeOlder = (a, b) =>
    {
        var bySize = Replicas(b).CompareTo(Replicas(a));
        return bySize != 0 ? bySize : ByCreation(a, b);
    };

    /// <summary>Lowest revision first; same revision: oldest first (which history to clean up first).</summary>
    public static readonly Comparison<ReplicaSet> ByRevision = (a, b) =>
    {
        var byRevision = Revisions.Of(a).CompareTo(Revisions.Of(b));
        return byRevision != 0 ? byRevision : ByCreation(a, b);
    };

    public static int Replicas(ReplicaSet rs)
    {
        ArgumentNullException.ThrowIfNull(rs);
        return rs.Spec.Replicas ?? 0;
    }

    public static List<ReplicaSet> Sorted(IEnumerable<ReplicaSet> replicaSets, Comparison<ReplicaSet> comparison)
    {
        var list = replicaSets.ToList();
        // List.Sort is not stable; every comparison above ends in a total order, so the result is deterministic.
        list.Sort(comparison);
        return list;
    }
}
