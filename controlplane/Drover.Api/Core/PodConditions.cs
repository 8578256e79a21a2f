
namespace Drover.Api;

/// <summary>Pod condition bookkeeping as Kubernetes' podutil.UpdatePodCondition does it.</summary>
public static class PodConditions
{
    public const string PodScheduled = "PodScheduled";

    /// <summary>
    /// <paramref name="conditions"/> with <paramref name="condition"/> put in place of the one of its type (or
    /// appended); lastTransitionTime moves to <paramref name="now"/> only when the status flips.
    /// </summary>
    public static List<PodCondition> Set(List<PodCondition>? conditions, PodCondition condition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var result = new List<PodCondition>((conditions?.Count ?? 0) + 1);
        var replaced = false;
        foreach (var existing in conditions ?? [])
        {
            if (existing?.Type != condition.Type)
            {
                if (existing is not null)
                    result.Add(existing);
                continue;
            }
            result.Add(condition with
            {
                LastTransitionTime = existing.Status == condition.Status ? existing.LastTransitionTime ?? now : now,
                LastProbeTime = condition.LastProbeTime,
            });
            replaced = true;
        }
        if (!replaced)
            result.Add(condition with { LastTransitionTime = now });
        return result;
    }

    public static PodCondition? Find(Pod pod, string type)
    {
        ArgumentNullException.ThrowIfNull(pod);
        foreach (var condition in pod.Status?.Conditions ?? [])
        {
            if (condition?.Type == type)
                return condition;
        }
        return null;
    }
}
