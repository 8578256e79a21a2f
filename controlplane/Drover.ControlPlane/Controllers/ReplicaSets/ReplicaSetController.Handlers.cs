using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers.ReplicaSets;

/// <summary>Informer handlers: turn ReplicaSet and pod changes into ReplicaSet keys (quick, on the watch loop).</summary>
public sealed partial class ReplicaSetController
{
    private void OnReplicaSetChanged(ObjectChange<ReplicaSet> change)
    {
        var key = Informer.KeyOf(change.Latest);
        if (change.New is null)
            _expectations.Delete(key);
        Queue.Add(key);
    }

    private void OnPodChanged(ObjectChange<Pod> change)
    {
        if (change.New is not { } current)
        {
            if (change.Old is { } gone)
                PodGone(gone);
            return;
        }
        if (change.Old is not { } old)
        {
            PodAdded(current);
            return;
        }
        if (old.Metadata.ResourceVersion == current.Metadata.ResourceVersion)
            return;

        var labelsChanged = !LabelMaps.Same(old.Metadata.Labels, current.Metadata.Labels);
        if (current.Metadata.DeletionTimestamp is not null)
        {
            // A pod being deleted is as good as gone for counting; its final removal comes later.
            PodGone(current);
            if (labelsChanged)
                PodGone(old);
            return;
        }

        var oldController = ControllerRefs.ControllerOf(old.Metadata);
        var currentController = ControllerRefs.ControllerOf(current.Metadata);
        var controllerChanged = oldController?.Uid != currentController?.Uid;
        if (controllerChanged && oldController is not null && Resolve(old.Metadata.Namespace, oldController) is { } previous)
            Queue.Add(Informer.KeyOf(previous));

        if (currentController is not null)
        {
            if (Resolve(current.Metadata.Namespace, currentController) is { } owner)
                Queue.Add(Informer.KeyOf(owner));
            return;
        }
        if (labelsChanged || controllerChanged)
            EnqueueMatching(current);
    }

    private void PodAdded(Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            PodGone(pod);
            return;
        }
        if (ControllerRefs.ControllerOf(pod.Metadata) is { } controller)
        {
            if (Resolve(pod.Metadata.Namespace, controller) is { } owner)
            {
                var key = Informer.KeyOf(owner);
                _expectations.CreationObserved(key);
                Queue.Add(key);
            }
            return;
        }
        EnqueueMatching(pod);
    }

    private void PodGone(Pod pod)
    {
        if (ControllerRefs.ControllerOf(pod.Metadata) is not { } controller || Resolve(pod.Metadata.Namespace, controller) is not { } owner)
            return;
        var key = Informer.KeyOf(owner);
        _expectations.DeletionObserved(key, PodStates.Key(pod));
        Queue.Add(key);
    }

    /// <summary>An orphan: every ReplicaSet whose selector matches may want to adopt it.</summary>
    private void EnqueueMatching(Pod pod)
    {
        foreach (var rs in _replicaSets.List(pod.Metadata.Namespace))
        {
            try
            {
                if (Selector.FromLabelSelector(rs.Spec.Selector).Matches(pod.Metadata.Labels))
                    Queue.Add(Informer.KeyOf(rs));
            }
            catch (FormatException)
            {
                // Reported when that ReplicaSet syncs.
            }
        }
    }

    private ReplicaSet? Resolve(string? ns, OwnerReference controller)
    {
        if (controller.Kind != ResourceTypes.ReplicaSets.Kind)
            return null;
        return _replicaSets.Get(ns, controller.Name) is { } rs && rs.Metadata.Uid == controller.Uid ? rs : null;
    }
}
