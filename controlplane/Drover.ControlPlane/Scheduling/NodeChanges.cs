using Drover.Api;

namespace Drover.ControlPlane.Scheduling;

/// <summary>
/// Which node events may let a parked pod fit (kube-scheduler's queueing hints for node events): a node
/// joining, becoming Ready, being uncordoned, gaining allocatable, or changing labels or taints. A status
/// write that only moves heartbeat times changes none of these, so a fleet's routine reports never wake
/// the unschedulable pods.
/// </summary>
internal static class NodeChanges
{
    public static bool CouldHelp(Node? old, Node updated)
    {
        ArgumentNullException.ThrowIfNull(updated);
        if (old is null)
            return true;
        if (IsReady(updated) && !IsReady(old))
            return true;
        if (old.Spec?.Unschedulable == true && updated.Spec?.Unschedulable != true)
            return true;
        if (AllocatableGrew(old.Status?.Allocatable, updated.Status?.Allocatable))
            return true;
        if (!LabelMaps.Same(old.Metadata.Labels, updated.Metadata.Labels))
            return true;
        return !SameTaints(old.Spec?.Taints, updated.Spec?.Taints);
    }

    public static bool IsReady(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        foreach (var condition in node.Status?.Conditions ?? [])
        {
            if (condition?.Type == "Ready")
                return condition.Status == "True";
        }
        return false;
    }

    private static bool AllocatableGrew(Dictionary<string, Quantity>? old, Dictionary<string, Quantity>? updated)
    {
        foreach (var (name, amount) in updated ?? [])
        {
            if (old is null || !old.TryGetValue(name, out var before) || amount.CompareTo(before) > 0)
                return true;
        }
        return false;
    }

    private static bool SameTaints(List<Taint>? a, List<Taint>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? []).SequenceEqual(b ?? []);
}
