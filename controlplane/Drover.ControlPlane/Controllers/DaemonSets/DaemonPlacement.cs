using Drover.Api;
using Drover.Scheduling;

namespace Drover.ControlPlane.Controllers.DaemonSets;

/// <summary>
/// Which nodes run a daemon pod (Kubernetes' NodeShouldRunDaemonPod): the template's nodeSelector must match the
/// node's labels, and every NoSchedule/NoExecute taint must be tolerated, by the template or by the tolerations
/// every daemon pod gets (<see cref="DefaultTolerations"/>), judged by the scheduler's own toleration rules.
/// A cordoned node still runs its daemons, as in Kubernetes: a log collector does not stop for a drain.
/// </summary>
public static class DaemonPlacement
{
    /// <summary>Kubernetes' AddOrUpdateDaemonPodTolerations: a daemon stays through node trouble and cordons.</summary>
    public static IReadOnlyList<Toleration> DefaultTolerations { get; } =
    [
        new() { Key = WellKnownTaints.NotReady, Operator = "Exists", Effect = "NoExecute" },
        new() { Key = WellKnownTaints.Unreachable, Operator = "Exists", Effect = "NoExecute" },
        new() { Key = WellKnownTaints.DiskPressure, Operator = "Exists", Effect = "NoSchedule" },
        new() { Key = WellKnownTaints.MemoryPressure, Operator = "Exists", Effect = "NoSchedule" },
        new() { Key = WellKnownTaints.PidPressure, Operator = "Exists", Effect = "NoSchedule" },
        new() { Key = WellKnownTaints.Unschedulable, Operator = "Exists", Effect = "NoSchedule" },
    ];

    /// <summary>A host-network daemon (a CNI or proxy agent) must also start where the pod network is not up yet.</summary>
    public static readonly Toleration NetworkUnavailable = new() { Key = WellKnownTaints.NetworkUnavailable, Operator = "Exists", Effect = "NoSchedule" };

    public static bool ShouldRun(Node node, PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.NodeSelector is { } selector)
        {
            foreach (var (key, value) in selector)
            {
                if (node.Metadata.Labels?.GetValueOrDefault(key) != value)
                    return false;
            }
        }
        var tolerations = WithDefaultTolerations(spec).Tolerations!;
        foreach (var taint in node.Spec.Taints ?? [])
        {
            if (taint.Effect is not ("NoSchedule" or "NoExecute"))
                continue;
            if (!tolerations.Any(t => TolerationMatching.Tolerates(t, taint.Key, taint.Value ?? "", taint.Effect)))
                return false;
        }
        return true;
    }

    /// <summary>The template's spec with the default daemon tolerations added where it has none for the same key and effect.</summary>
    public static PodSpec WithDefaultTolerations(PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tolerations = spec.Tolerations is { } own ? new List<Toleration>(own) : [];
        var defaults = spec.HostNetwork == true ? DefaultTolerations.Append(NetworkUnavailable) : DefaultTolerations;
        foreach (var toleration in defaults)
        {
            if (!tolerations.Any(t => t.Key == toleration.Key && t.Effect == toleration.Effect))
                tolerations.Add(toleration);
        }
        return spec with { Tolerations = tolerations };
    }
}
