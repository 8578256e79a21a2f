using Drover.Api;

namespace Drover.ControlPlane.Controllers;

/// <summary>The pod facts workload controllers decide on (Kubernetes' podutil).</summary>
public static class PodStates
{
    public static bool IsTerminal(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Status?.Phase is PodPhases.Succeeded or PodPhases.Failed;
    }

    /// <summary>Counts towards replicas: not finished and not on its way out.</summary>
    public static bool IsActive(Pod pod) => !IsTerminal(pod) && pod.Metadata.DeletionTimestamp is null;

    public static PodCondition? ReadyCondition(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Status?.Conditions is not { } conditions)
            return null;
        foreach (var condition in conditions)
        {
            if (condition.Type == "Ready")
                return condition;
        }
        return null;
    }

    public static bool IsReady(Pod pod) => ReadyCondition(pod)?.Status == "True";

    /// <summary>When the pod last became ready, or null when it is not ready.</summary>
    public static DateTimeOffset? ReadySince(Pod pod) =>
        ReadyCondition(pod) is { Status: "True" } condition ? condition.LastTransitionTime ?? DateTimeOffset.MinValue : null;

    /// <summary>Ready for longer than <paramref name="minReadySeconds"/> (Kubernetes IsPodAvailable).</summary>
    public static bool IsAvailable(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (ReadyCondition(pod) is not { Status: "True" } condition)
            return false;
        if (minReadySeconds <= 0)
            return true;
        return condition.LastTransitionTime is { } since && since.AddSeconds(minReadySeconds) < now;
    }

    /// <summary>When a ready pod becomes available, or null when it is not ready or already available.</summary>
    public static DateTimeOffset? AvailableAt(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (minReadySeconds <= 0 || ReadyCondition(pod) is not { Status: "True", LastTransitionTime: { } since })
            return null;
        var at = since.AddSeconds(minReadySeconds);
        return at < now ? null : at;
    }

    public static string Key(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Metadata.Namespace + "/" + pod.Metadata.Name;
    }
}
