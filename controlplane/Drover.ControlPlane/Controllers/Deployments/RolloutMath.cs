using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>
/// The Deployment controller's arithmetic, free of I/O, as Kubernetes' deployment util and rolling/sync code
/// compute it: surge and unavailability bounds, how far the new ReplicaSet may grow and the old ones shrink
/// in one step, and proportional scaling of a Deployment resized mid-rollout.
/// </summary>
public static class RolloutMath
{
    public static bool IsRollingUpdate(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return deployment.Spec.Strategy?.Type is null or "" or "RollingUpdate";
    }

    public static int Desired(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return deployment.Spec.Replicas ?? 1;
    }

    /// <summary>
    /// maxSurge and maxUnavailable as pod counts for <paramref name="desired"/> replicas: a surge percentage
    /// rounds up, an unavailability percentage down; if both come out 0 one pod may be unavailable, or the
    /// rollout could never move (Kubernetes ResolveFenceposts).
    /// </summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = Scaled(maxSurge ?? new IntOrString(0), desired, roundUp: true);
        var unavailable = Scaled(maxUnavailable ?? new IntOrString(0), desired, roundUp: false);
        if (surge == 0 && unavailable == 0)
            unavailable = 1;
        return (surge, unavailable);
    }

    public static int MaxSurge(Deployment deployment)
    {
        if (!IsRollingUpdate(deployment))
            return 0;
        var rolling = deployment.Spec.Strategy?.RollingUpdate;
        return ResolveFenceposts(rolling?.MaxSurge ?? new IntOrString("25%"), rolling?.MaxUnavailable ?? new IntOrString("25%"), Desired(deployment)).Surge;
    }

    /// <summary>Pods that may be unavailable during the rollout; never more than desired, 0 for Recreate or no replicas.</summary>
    public static int MaxUnavailable(Deployment deployment)
    {
        var desired = Desired(deployment);
        if (!IsRollingUpdate(deployment) || desired == 0)
            return 0;
        var rolling = deployment.Spec.Strategy?.RollingUpdate;
        var unavailable = ResolveFenceposts(rolling?.MaxSurge ?? new IntOrString("25%"), rolling?.MaxUnavailable ?? new IntOrString("25%"), desired).Unavailable;
        return Math.Min(unavailable, desired);
    }

    public static int SpecReplicas(IEnumerable<ReplicaSet?> replicaSets) => replicaSets.Sum(rs => rs?.Spec.Replicas ?? 0);

    public static int StatusReplicas(IEnumerable<ReplicaSet?> replicaSets) => replicaSets.Sum(rs => rs?.Status?.Replicas ?? 0);

    public static int ReadyReplicas(IEnumerable<ReplicaSet?> replicaSets) => replicaSets.Sum(rs => rs?.Status?.ReadyReplicas ?? 0);

    public static int AvailableReplicas(IEnumerable<ReplicaSet?> replicaSets) => replicaSets.Sum(rs => rs?.Status?.AvailableReplicas ?? 0);

    public static List<ReplicaSet> Active(IEnumerable<ReplicaSet?> replicaSets) =>
        [.. replicaSets.Where(rs => rs is not null && (rs.Spec.Replicas ?? 0) > 0).Select(rs => rs!)];

    /// <summary>
    /// What the new ReplicaSet should be sized to now (Kubernetes NewRSNewReplicas): for a rolling update,
    /// grow by what maxSurge leaves room for, never past desired; for Recreate, desired at once.
    /// </summary>
    public static int NewReplicaSetReplicas(Deployment deployment, IReadOnlyList<ReplicaSet> allReplicaSets, ReplicaSet newReplicaSet)
    {
        ArgumentNullException.ThrowIfNull(allReplicaSets);
        ArgumentNullException.ThrowIfNull(newReplicaSet);
        var desired = Desired(deployment);
        if (!IsRollingUpdate(deployment))
            return desired;
        var current = SpecReplicas(allReplicaSets);
        var newReplicas = newReplicaSet.Spec.Replicas ?? 0;
        var maxTotal = desired + MaxSurge(deployment);
        if (current >= maxTotal)
            return newReplicas;
        var scaleUp = Math.Min(maxTotal - current, desired - newReplicas);
        return newReplicas + Math.Max(scaleUp, 0);
    }

    /// <summary>
    /// How the old ReplicaSets shrink in one rolling step (Kubernetes reconcileOldReplicaSets): first the
    /// replicas that are not available anyway (they cost no availability), then available ones down to
    /// desired − maxUnavailable available pods, oldest ReplicaSets first. One step per ReplicaSet, with its final size.
    /// </summary>
    public static List<ScaleStep> ScaleDownOld(Deployment deployment, IReadOnlyList<ReplicaSet> allReplicaSets, IReadOnlyList<ReplicaSet> oldReplicaSets, ReplicaSet newReplicaSet)
    {
        ArgumentNullException.ThrowIfNull(allReplicaSets);
        ArgumentNullException.ThrowIfNull(oldReplicaSets);
        ArgumentNullException.ThrowIfNull(newReplicaSet);
        var steps = new List<ScaleStep>();
        var old = ReplicaSetOrder.Sorted(Active(oldReplicaSets), ReplicaSetOrder.ByCreation);
        if (SpecReplicas(old) == 0)
            return steps;

        var minAvailable = Desired(deployment) - MaxUnavailable(deployment);
        var newUnavailable = (newReplicaSet.Spec.Replicas ?? 0) - (newReplicaSet.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = SpecReplicas(allReplicaSets) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
            return steps;

        var sizes = old.Select(rs => rs.Spec.Replicas ?? 0).ToArray();
        var cleaned = 0;
        for (var i = 0; i < old.Count && cleaned < maxScaledDown; i++)
        {
            var unhealthy = sizes[i] - (old[i].Status?.AvailableReplicas ?? 0);
            if (sizes[i] == 0 || unhealthy <= 0)
                continue;
            var take = Math.Min(maxScaledDown - cleaned, unhealthy);
            sizes[i] -= take;
            cleaned += take;
        }

        var available = AvailableReplicas(allReplicaSets);
        if (available > minAvailable)
        {
            var toScaleDown = available - minAvailable;
            var scaled = 0;
            for (var i = 0; i < old.Count && scaled < toScaleDown; i++)
            {
                if (sizes[i] == 0)
                    continue;
                var take = Math.Min(sizes[i], toScaleDown - scaled);
                sizes[i] -= take;
                scaled += take;
            }
        }

        for (var i = 0; i < old.Count; i++)
        {
            if (sizes[i] != (old[i].Spec.Replicas ?? 0))
                steps.Add(new ScaleStep(old[i], sizes[i]));
        }
        return steps;
    }

    /// <summary>The only active ReplicaSet, or the newest when none is active; null when several are (Kubernetes FindActiveOrLatest).</summary>
    public static ReplicaSet? FindActiveOrLatest(ReplicaSet? newReplicaSet, IReadOnlyList<ReplicaSet> oldReplicaSets)
    {
        ArgumentNullException.ThrowIfNull(oldReplicaSets);
        if (newReplicaSet is null && oldReplicaSets.Count == 0)
            return null;
        var newestFirst = ReplicaSetOrder.Sorted(oldReplicaSets, (a, b) => ReplicaSetOrder.ByCreation(b, a));
        var active = Active([.. newestFirst, newReplicaSet]);
        return active.Count switch
        {
            0 => newReplicaSet ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>The new ReplicaSet has all the Deployment's replicas and all of them are available.</summary>
    public static bool IsSaturated(Deployment deployment, ReplicaSet? rs)
    {
        if (rs is null)
            return false;
        var desired = Desired(deployment);
        return Revisions.DesiredReplicas(rs) == desired && (rs.Spec.Replicas ?? 0) == desired && (rs.Status?.AvailableReplicas ?? 0) == desired;
    }

    /// <summary>
    /// Sizes for a Deployment whose replicas changed (Kubernetes DeploymentController.scale): with one active
    /// ReplicaSet it takes all; with a saturated new one the old go to 0; mid-rollout every active ReplicaSet
    /// grows or shrinks in proportion to its share, the leftover going to the largest.
    /// Returns target sizes; applying one also brings the ReplicaSet's replica annotations up to date.
    /// </summary>
    public static List<ScaleStep> Scale(Deployment deployment, ReplicaSet? newReplicaSet, IReadOnlyList<ReplicaSet> oldReplicaSets)
    {
        ArgumentNullException.ThrowIfNull(oldReplicaSets);
        var desired = Desired(deployment);
        // Returned even at the right size: stale replica annotations would make every sync look like a scaling event.
        if (FindActiveOrLatest(newReplicaSet, oldReplicaSets) is { } only)
            return [new ScaleStep(only, desired)];

        if (IsSaturated(deployment, newReplicaSet))
            return [.. Active(oldReplicaSets).Select(rs => new ScaleStep(rs, 0))];

        if (!IsRollingUpdate(deployment))
            return [];

        var all = Active([.. oldReplicaSets, newReplicaSet]);
        var allowed = desired > 0 ? desired + MaxSurge(deployment) : 0;
        var toAdd = allowed - SpecReplicas(all);
        if (toAdd > 0)
            all.Sort(ReplicaSetOrder.BySizeNewer);
        else if (toAdd < 0)
            all.Sort(ReplicaSetOrder.BySizeOlder);

        var sizes = new int[all.Count];
        var added = 0;
        for (var i = 0; i < all.Count; i++)
        {
            var replicas = all[i].Spec.Replicas ?? 0;
            if (toAdd == 0)
            {
                sizes[i] = replicas;
                continue;
            }
            var proportion = Proportion(all[i], deployment, toAdd, added);
            sizes[i] = replicas + proportion;
            added += proportion;
        }
        if (toAdd != 0 && all.Count > 0)
            sizes[0] = Math.Max(sizes[0] + toAdd - added, 0);

        // Every active ReplicaSet is written, even at the same size: its replica annotations record the new desired count.
        return [.. all.Select((rs, i) => new ScaleStep(rs, sizes[i]))];
    }

    /// <summary>This ReplicaSet's share of <paramref name="toAdd"/>, bounded by what is left to add (Kubernetes GetProportion).</summary>
    public static int Proportion(ReplicaSet rs, Deployment deployment, int toAdd, int added)
    {
        ArgumentNullException.ThrowIfNull(rs);
        if ((rs.Spec.Replicas ?? 0) == 0 || toAdd == 0 || toAdd == added)
            return 0;
        var fraction = Fraction(rs, deployment);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    /// <summary>How many replicas this ReplicaSet gains (or loses) when the Deployment's size changes (Kubernetes getReplicaSetFraction).</summary>
    public static int Fraction(ReplicaSet rs, Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(rs);
        var replicas = rs.Spec.Replicas ?? 0;
        var desired = Desired(deployment);
        if (desired == 0)
            return -replicas;
        var maxNow = desired + MaxSurge(deployment);
        var maxBefore = Revisions.MaxReplicas(rs) is { } annotated and > 0 ? annotated : deployment.Status?.Replicas ?? 0;
        if (maxBefore == 0)
            return 0;
        var size = (double)replicas * maxNow / maxBefore;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - replicas;
    }

    private static int Scaled(IntOrString value, int total, bool roundUp)
    {
        if (value.TryGetScaledValue(total, roundUp, out var scaled))
            return Math.Max(scaled, 0);
        // Validation rejects malformed values; treat one that slipped through as 0 rather than fail every sync.
        return 0;
    }
}
