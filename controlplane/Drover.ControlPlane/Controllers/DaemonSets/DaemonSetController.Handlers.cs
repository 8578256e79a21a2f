using Drover.Api;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers.DaemonSets;

/// <summary>Informer handlers: DaemonSet, pod and node changes into DaemonSet keys (quick, on the watch loop).</summary>
public sealed partial class DaemonSetController
{
    private void OnDaemonSetChanged(ObjectChange change)
    {
        var key = Informer.KeyOf(change.Latest);
        if (change.New is null)
            _expectations.Delete(key);
        Queue.Add(key);
    }

    private void OnPodChanged(ObjectChange change)
    {
        var pod = (Pod)change.Latest;
        if (ControllerRefs.ControllerOf(pod.Metadata) is not { Kind: "DaemonSet" } controller)
            return;
        if (_daemonSets.Get(pod.Metadata.Namespace, controller.Name) is not DaemonSet ds || ds.Metadata.Uid != controller.Uid)
            return;
        var key = Informer.KeyOf(ds);
        if (change.Old is null && change.New is not null)
            _expectations.CreationObserved(key);
        else if (change.New is null || (change.New.Metadata.DeletionTimestamp is not null && change.Old?.Metadata.DeletionTimestamp is null))
            _expectations.DeletionObserved(key, PodStates.Key(pod));
        Queue.Add(key);
    }

    /// <summary>A node that joins, leaves or changes labels or taints may gain or lose every DaemonSet's pod.</summary>
    private void OnNodeChanged(ObjectChange change)
    {
        if (change.Old is Node old && change.New is Node current
            && LabelMaps.Same(old.Metadata.Labels, current.Metadata.Labels)
            && TaintsEqual(old.Spec.Taints, current.Spec.Taints))
            return;
        foreach (var ds in _daemonSets.List())
            Queue.Add(Informer.KeyOf(ds));
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
