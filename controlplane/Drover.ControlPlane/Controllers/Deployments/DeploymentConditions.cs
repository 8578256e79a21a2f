using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>The Deployment condition types and reasons kubectl and users read, and Kubernetes' rules for setting them.</summary>
public static class DeploymentConditions
{
    public const string Progressing = "Progressing";
    public const string Available = "Available";
    public const string ReplicaFailure = "ReplicaFailure";

    public const string NewReplicaSetCreated = "NewReplicaSetCreated";
    public const string FoundNewReplicaSet = "FoundNewReplicaSet";
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string ReplicaSetCreateError = "ReplicaSetCreateError";
    public const string DeploymentPaused = "DeploymentPaused";
    public const string DeploymentResumed = "DeploymentResumed";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    public static DeploymentCondition New(string type, string status, string reason, string message, DateTimeOffset now)
    {
        var at = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return new DeploymentCondition { Type = type, Status = status, Reason = reason, Message = message, LastUpdateTime = at, LastTransitionTime = at };
    }

    public static DeploymentCondition? Get(DeploymentStatus? status, string type)
    {
        if (status?.Conditions is not { } conditions)
            return null;
        foreach (var condition in conditions)
        {
            if (condition.Type == type)
                return condition;
        }
        return null;
    }

    /// <summary>
    /// Sets <paramref name="condition"/> (Kubernetes SetDeploymentCondition): the same status and reason is
    /// no change at all; the same status with another reason keeps the transition time. The condition moves to the end.
    /// </summary>
    public static DeploymentStatus Set(DeploymentStatus status, DeploymentCondition condition)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(condition);
        var current = Get(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
            return status;
        if (current is not null && current.Status == condition.Status)
            condition = condition with { LastTransitionTime = current.LastTransitionTime };
        var conditions = Without(status.Conditions, condition.Type);
        conditions.Add(condition);
        return status with { Conditions = conditions };
    }

    public static DeploymentStatus Remove(DeploymentStatus status, string type)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (Get(status, type) is null)
            return status;
        var conditions = Without(status.Conditions, type);
        return status with { Conditions = conditions.Count > 0 ? conditions : null };
    }

    private static List<DeploymentCondition> Without(List<DeploymentCondition>? conditions, string type) =>
        conditions is null ? [] : [.. conditions.Where(c => c.Type != type)];
}
