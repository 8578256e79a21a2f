using Drover.Api;
using Drover.Scheduling;

namespace Drover.ControlPlane.Controllers.NodeLifecycle;

/// <summary>
/// What the node lifecycle controller writes when a node stops heartbeating, as pure functions of the
/// objects (Kubernetes' tryUpdateNodeHealth and taint-based eviction): conditions to Unknown, the
/// unreachable taints, and how long each pod may stay.
/// </summary>
internal static class NodeUnreachable
{
    public const string TaintKey = WellKnownTaints.Unreachable;
    public const string StatusUnknownReason = "NodeStatusUnknown";
    public const string StatusUnknownMessage = "Kubelet stopped posting node status.";
    public const string NeverUpdatedReason = "NodeStatusNeverUpdated";
    public const string NeverUpdatedMessage = "Kubelet never posted node status.";

    /// <summary>The conditions the agent owns, in its order; all of them are unknowable once it is silent.</summary>
    public static readonly string[] AgentConditions = ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"];

    /// <summary>
    /// The status with every agent condition Unknown (heartbeat times kept: they say when the agent last
    /// spoke), or null when that is already so.
    /// </summary>
    public static NodeStatus? MarkUnknown(NodeStatus? status, DateTimeOffset now)
    {
        var conditions = status?.Conditions ?? [];
        var changed = false;
        var result = new List<NodeCondition>(conditions.Count + AgentConditions.Length);
        foreach (var condition in conditions)
        {
            if (condition is null)
                continue;
            if (Array.IndexOf(AgentConditions, condition.Type) < 0 || condition.Status == "Unknown")
            {
                result.Add(condition);
                continue;
            }
            result.Add(condition with { Status = "Unknown", Reason = StatusUnknownReason, Message = StatusUnknownMessage, LastTransitionTime = now });
            changed = true;
        }
        foreach (var type in AgentConditions)
        {
            if (result.Exists(c => c.Type == type))
                continue;
            // No heartbeat time: nothing was ever heard, and a made-up one would look like a sign of life.
            result.Add(new NodeCondition { Type = type, Status = "Unknown", Reason = NeverUpdatedReason, Message = NeverUpdatedMessage, LastTransitionTime = now });
            changed = true;
        }
        return changed ? (status ?? new NodeStatus()) with { Conditions = result } : null;
    }

    /// <summary>The taints plus unreachable NoExecute (stamped <paramref name="now"/>, eviction counts from it) and NoSchedule, or null when both are there.</summary>
    public static List<Taint>? WithTaints(List<Taint>? taints, DateTimeOffset now)
    {
        var hasNoExecute = Find(taints, TaintEffects.NoExecute) is not null;
        var hasNoSchedule = Find(taints, TaintEffects.NoSchedule) is not null;
        if (hasNoExecute && hasNoSchedule)
            return null;
        var result = new List<Taint>(taints ?? []);
        if (!hasNoSchedule)
            result.Add(new Taint { Key = TaintKey, Effect = TaintEffects.NoSchedule });
        if (!hasNoExecute)
            result.Add(new Taint { Key = TaintKey, Effect = TaintEffects.NoExecute, TimeAdded = now });
        return result;
    }

    /// <summary>The taints plus unreachable NoSchedule, or null when it is there already.</summary>
    public static List<Taint>? WithNoSchedule(List<Taint>? taints) =>
        Find(taints, TaintEffects.NoSchedule) is not null ? null : [.. taints ?? [], new Taint { Key = TaintKey, Effect = TaintEffects.NoSchedule }];

    /// <summary>
    /// The taints without unreachable NoExecute but with unreachable NoSchedule (full disruption: keep new
    /// pods away, evict nothing), or null when they are like that already.
    /// </summary>
    public static List<Taint>? WithoutNoExecute(List<Taint>? taints)
    {
        if (Find(taints, TaintEffects.NoExecute) is null)
            return null;
        var kept = taints!.FindAll(t => t is not null && !(t.Key == TaintKey && t.Effect == TaintEffects.NoExecute));
        return WithNoSchedule(kept) ?? kept;
    }

    /// <summary>The taints without the unreachable ones, or null when there are none to remove.</summary>
    public static List<Taint>? WithoutTaints(List<Taint>? taints)
    {
        if (taints is null || !taints.Exists(t => t?.Key == TaintKey))
            return null;
        return taints.FindAll(t => t is not null && t.Key != TaintKey);
    }

    public static Taint? Find(List<Taint>? taints, string effect) =>
        taints?.Find(t => t?.Key == TaintKey && t.Effect == effect);

    /// <summary>
    /// How long <paramref name="pod"/> may stay on an unreachable node, as Kubernetes' taint manager reckons
    /// it from the tolerations of the NoExecute taint: the shortest tolerationSeconds among them, forever (null)
    /// when they all lack one, and <paramref name="defaultToleration"/> when none matches (standing in for the
    /// toleration Kubernetes' DefaultTolerationSeconds admission adds to every pod).
    /// </summary>
    public static TimeSpan? EvictionDelay(Pod pod, TimeSpan defaultToleration)
    {
        ArgumentNullException.ThrowIfNull(pod);
        TimeSpan? shortest = null;
        var matched = false;
        foreach (var toleration in pod.Spec.Tolerations ?? [])
        {
            if (toleration is null || !TolerationMatching.Tolerates(toleration, TaintKey, "", TaintEffects.NoExecute))
                continue;
            matched = true;
            if (toleration.TolerationSeconds is not { } seconds)
                continue;
            var delay = TimeSpan.FromSeconds(Math.Max(seconds, 0));
            if (shortest is null || delay < shortest)
                shortest = delay;
        }
        return matched ? shortest : defaultToleration;
    }
}
