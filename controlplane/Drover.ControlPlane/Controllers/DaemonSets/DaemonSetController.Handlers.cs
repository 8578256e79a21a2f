using Drover.Api;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers.DaemonSets;

/// <summary>Informer handlers: DaemonSet, pod and node changes into DaemonSet keys (quick, on the watch loop).</summary>
public sealed partial class DaemonSetController
{
    private void OnDaemonSetChanged(ObjectChange<DaemonSet> change)
    {
        var key = Informer.KeyOf(change.Latest);
        if (change.New is null)
            _expectations.Delete(key);
        Queue.Add(key);
    }

    private void OnPodChanged(ObjectChange<Pod> change)
    {
        var pod = change.Latest;
        if (Freed(change) && pod.Spec.NodeName is { Length: > 0 } node)
            RequeueSuspendedOn(node);
        if (ControllerRefs.ControllerOf(pod.Metadata) is not { Kind: "DaemonSet" } controller)
            return;
        if (_daemonSets.Get(pod.Metadata.Namespace, controller.Name) is not { } ds || ds.Metadata.Uid != controller.Uid)
            return;
        var key = Informer.KeyOf(ds);
        if (change.Old is null && change.New is not null)
            _expectations.CreationObserved(key);
        else if (change.New is null || (change.New.Metadata.DeletionTimestamp is not null && change.Old?.Metadata.DeletionTimestamp is null))
            _expectations.DeletionObserved(key, PodStates.Key(pod));
        Queue.Add(key);
    }

    /// <summary>A bound pod that goes away or finishes gives its node's resources back.</summary>
    private static bool Freed(ObjectChange<Pod> change) =>
        change.New is null
        || (change.New is { Status.Phase: PodPhases.Succeeded or PodPhases.Failed } && change.Old is { Status.Phase: not (PodPhases.Succeeded or PodPhases.Failed) });

    private void RequeueSuspendedOn(string node)
    {
        foreach (var (key, nodes) in _suspended)
        {
            if (nodes.Contains(node, StringComparer.Ordinal))
                Queue.Add(key);
        }
    }

    /// <summary>A node that joins, leaves or changes labels, taints or allocatable may gain or lose every DaemonSet's pod.</summary>
    private void OnNodeChanged(ObjectChange<Node> change)
    {
        if (change.Old is { } old && change.New is { } current
            && LabelMaps.Same(old.Metadata.Labels, current.Metadata.Labels)
            && TaintsEqual(old.Spec.Taints, current.Spec.Taints)
            && QuantitiesEqual(old.Status?.Allocatable, current.Status?.Allocatable))
            return;
        foreach (var ds in _daemonSets.List())
            Queue.Add(Informer.KeyOf(ds));
    }

    private static bool QuantitiesEqual(Dictionary<string, Quantity>? a, Dictionary<string, Quantity>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
            return false;
        foreach (var (name, value) in a ?? [])
        {
            if (b is null || !b.TryGetValue(name, out var other) || other != value)
                return false;
        }
        return true;
    }

    private static bool TaintsEqual(List<Taint>? a, List<Taint>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
            return false;
        for (var i = 0; i < (a?.Count ?? 0); i++)
        {
            if (a![i].Key != b![i].Key || a[i].Value != b[i].Value || a[i].Effect != b[i].Effect)
                return false;
        }
        return true;
    }
}
