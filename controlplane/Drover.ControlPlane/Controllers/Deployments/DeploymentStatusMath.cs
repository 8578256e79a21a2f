using System.Text.Json;
using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>
/// The Deployment status as Kubernetes computes it (calculateStatus, syncRolloutStatus) and as `kubectl
/// rollout status` reads it: counts summed over the ReplicaSets, Available against desired − maxUnavailable,
/// Progressing moved along by progress and timed out by progressDeadlineSeconds. Pure: time is a parameter.
/// </summary>
public static class DeploymentStatusMath
{
    /// <summary>Counts and the Available condition (Kubernetes calculateStatus). Zero counts are left out, as omitempty fields are.</summary>
    public static DeploymentStatus Calculate(Deployment deployment, IReadOnlyList<ReplicaSet> allReplicaSets, ReplicaSet? newReplicaSet, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(allReplicaSets);
        var available = RolloutMath.AvailableReplicas(allReplicaSets);
        var unavailable = Math.Max(RolloutMath.SpecReplicas(allReplicaSets) - available, 0);
        var status = new DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = NullIfZero(RolloutMath.StatusReplicas(allReplicaSets)),
            UpdatedReplicas = NullIfZero(newReplicaSet?.Status?.Replicas ?? 0),
            ReadyReplicas = NullIfZero(RolloutMath.ReadyReplicas(allReplicaSets)),
            AvailableReplicas = NullIfZero(available),
            UnavailableReplicas = NullIfZero(unavailable),
            CollisionCount = deployment.Status?.CollisionCount,
            Conditions = deployment.Status?.Conditions is { } conditions ? [.. conditions] : null,
        };
        var condition = available >= RolloutMath.Desired(deployment) - RolloutMath.MaxUnavailable(deployment)
            ? DeploymentConditions.New(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability.", now)
            : DeploymentConditions.New(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now);
        return DeploymentConditions.Set(status, condition);
    }

    /// <summary>
    /// <see cref="Calculate"/> plus the Progressing condition and replica failures (Kubernetes syncRolloutStatus):
    /// complete → NewReplicaSetAvailable; any progress → ReplicaSetUpdated with a fresh lastUpdateTime; no
    /// progress for progressDeadlineSeconds since then → False, ProgressDeadlineExceeded.
    /// </summary>
    public static DeploymentStatus RolloutStatus(Deployment deployment, IReadOnlyList<ReplicaSet> allReplicaSets, ReplicaSet? newReplicaSet, DateTimeOffset now)
    {
        var status = Calculate(deployment, allReplicaSets, newReplicaSet, now);
        if (!HasProgressDeadline(deployment))
            status = DeploymentConditions.Remove(status, DeploymentConditions.Progressing);

        var current = DeploymentConditions.Get(deployment.Status, DeploymentConditions.Progressing);
        var complete = (status.Replicas ?? 0) == (status.UpdatedReplicas ?? 0) && current?.Reason == DeploymentConditions.NewReplicaSetAvailable;
        if (HasProgressDeadline(deployment) && !complete)
        {
            var name = deployment.Metadata.Name;
            if (IsComplete(deployment, status))
            {
                var message = newReplicaSet is null ? $"Deployment \"{name}\" has successfully progressed." : $"ReplicaSet \"{newReplicaSet.Metadata.Name}\" has successfully progressed.";
                status = DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetAvailable, message, now));
            }
            else if (IsProgressing(deployment, status))
            {
                var message = newReplicaSet is null ? $"Deployment \"{name}\" is progressing." : $"ReplicaSet \"{newReplicaSet.Metadata.Name}\" is progressing.";
                var condition = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdated, message, now);
                // Progress with the same reason still moves lastUpdateTime (what the deadline counts from),
                // which the generic Set would skip; the transition time stays while the status stays True.
                if (current is not null)
                {
                    if (current.Status == "True")
                        condition = condition with { LastTransitionTime = current.LastTransitionTime };
                    status = DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
                }
                status = DeploymentConditions.Set(status, condition);
            }
            else if (TimedOut(deployment, status, now))
            {
                var message = newReplicaSet is null ? $"Deployment \"{name}\" has timed out progressing." : $"ReplicaSet \"{newReplicaSet.Metadata.Name}\" has timed out progressing.";
                status = DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.ProgressDeadlineExceeded, message, now));
            }
        }

        if (ReplicaFailure(allReplicaSets, newReplicaSet, now) is { } failure)
            status = DeploymentConditions.Set(status, failure);
        else
            status = DeploymentConditions.Remove(status, DeploymentConditions.ReplicaFailure);
        return status;
    }

    public static bool HasProgressDeadline(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return deployment.Spec.ProgressDeadlineSeconds is { } seconds && seconds != int.MaxValue;
    }

    /// <summary>All replicas updated, present and available, for the current generation (Kubernetes DeploymentComplete).</summary>
    public static bool IsComplete(Deployment deployment, DeploymentStatus status)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(status);
        var desired = RolloutMath.Desired(deployment);
        return (status.UpdatedReplicas ?? 0) == desired
            && (status.Replicas ?? 0) == desired
            && (status.AvailableReplicas ?? 0) == desired
            && (status.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0);
    }

    /// <summary>More updated, fewer old, more ready or more available pods than the stored status says (Kubernetes DeploymentProgressing).</summary>
    public static bool IsProgressing(Deployment deployment, DeploymentStatus status)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(status);
        var old = deployment.Status ?? new DeploymentStatus();
        var oldStale = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newStale = (status.Replicas ?? 0) - (status.UpdatedReplicas ?? 0);
        return (status.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0)
            || newStale < oldStale
            || (status.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0)
            || (status.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>No progress reported for progressDeadlineSeconds (Kubernetes DeploymentTimedOut).</summary>
    public static bool TimedOut(Deployment deployment, DeploymentStatus status, DateTimeOffset now)
    {
        if (!HasProgressDeadline(deployment))
            return false;
        var condition = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        if (condition is null || condition.Reason == DeploymentConditions.NewReplicaSetAvailable)
            return false;
        if (condition.Reason == DeploymentConditions.ProgressDeadlineExceeded)
            return true;
        var from = condition.LastUpdateTime ?? condition.LastTransitionTime ?? now;
        return from.AddSeconds(deployment.Spec.ProgressDeadlineSeconds!.Value) < now;
    }

    /// <summary>
    /// When to look at a rollout again to notice it timed out, since nothing else will happen to wake it
    /// (Kubernetes requeueStuckDeployment); null when it is complete, timed out or has no deadline.
    /// </summary>
    public static TimeSpan? RecheckStuckAfter(Deployment deployment, DeploymentStatus newStatus, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var current = DeploymentConditions.Get(deployment.Status, DeploymentConditions.Progressing);
        if (!HasProgressDeadline(deployment) || current is null)
            return null;
        if (IsComplete(deployment, newStatus) || current.Reason == DeploymentConditions.ProgressDeadlineExceeded)
            return null;
        var from = current.LastUpdateTime ?? current.LastTransitionTime ?? now;
        var after = from.AddSeconds(deployment.Spec.ProgressDeadlineSeconds!.Value) - now;
        // A second more than the deadline, as Kubernetes, so the check lands after it rather than on it.
        return after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1);
    }

    /// <summary>The first ReplicaFailure condition among the ReplicaSets (the new one's first), as a Deployment condition.</summary>
    public static DeploymentCondition? ReplicaFailure(IReadOnlyList<ReplicaSet> allReplicaSets, ReplicaSet? newReplicaSet, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(allReplicaSets);
        IEnumerable<ReplicaSet> order = newReplicaSet is null ? allReplicaSets : [newReplicaSet, .. allReplicaSets.Where(rs => !ReferenceEquals(rs, newReplicaSet))];
        foreach (var rs in order)
        {
            foreach (var condition in rs.Status?.Conditions ?? [])
            {
                if (condition.Type != "ReplicaFailure")
                    continue;
                return DeploymentConditions.New(DeploymentConditions.ReplicaFailure, condition.Status, condition.Reason ?? "", condition.Message ?? "", now) with
                {
                    LastUpdateTime = condition.LastTransitionTime ?? now,
                    LastTransitionTime = condition.LastTransitionTime ?? now,
                };
            }
        }
        return null;
    }

    public static bool StatusEquals(DeploymentStatus? a, DeploymentStatus? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        var info = ApiJsonContext.Default.DeploymentStatus;
        return JsonSerializer.SerializeToUtf8Bytes(a, info).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, info));
    }

    private static int? NullIfZero(int value) => value == 0 ? null : value;
}
