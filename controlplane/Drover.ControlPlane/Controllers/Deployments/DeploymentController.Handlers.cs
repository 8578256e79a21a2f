using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>Informer handlers: Deployment, ReplicaSet and pod changes become Deployment keys (quick, on the watch loop).</summary>
public sealed partial class DeploymentController
{
    private void OnDeploymentChanged(ObjectChange<Deployment> change) => Queue.Add(Informer.KeyOf(change.Latest));

    private void OnReplicaSetChanged(ObjectChange<ReplicaSet> change)
    {
        var current = change.New as ReplicaSet;
        var old = change.Old as ReplicaSet;
        if (current is not null && old is not null && current.Metadata.ResourceVersion == old.Metadata.ResourceVersion)
            return;

        var oldController = old is null ? null : ControllerRefs.ControllerOf(old.Metadata);
        var currentController = current is null ? null : ControllerRefs.ControllerOf(current.Metadata);
        if (old is not null && oldController is not null && oldController.Uid != currentController?.Uid)
            EnqueueOwner(old.Metadata.Namespace, oldController);

        if (current is null)
            return;
        if (currentController is not null)
        {
            EnqueueOwner(current.Metadata.Namespace, currentController);
            return;
        }
        // An orphan (new, or one whose labels or owner changed): any Deployment whose selector matches may adopt it.
        if (old is null || oldController is not null || !LabelMaps.Same(old.Metadata.Labels, current.Metadata.Labels))
            EnqueueMatching(current);
    }

    /// <summary>Recreate waits for old pods to be gone; their removal is what lets it go on.</summary>
    private void OnPodChanged(ObjectChange<Pod> change)
    {
        if (change.New is not null || change.Old is not { } pod)
            return;
        if (ControllerRefs.ControllerOf(pod.Metadata) is not { Kind: "ReplicaSet" } podController)
            return;
        if (_replicaSets.Get(pod.Metadata.Namespace, podController.Name) is not { } rs || rs.Metadata.Uid != podController.Uid)
            return;
        if (ControllerRefs.ControllerOf(rs.Metadata) is not { } rsController)
            return;
        if (ResolveDeployment(rs.Metadata.Namespace, rsController) is { } deployment && !RolloutMath.IsRollingUpdate(deployment))
            Queue.Add(Informer.KeyOf(deployment));
    }

    private void EnqueueOwner(string? ns, OwnerReference controller)
    {
        if (ResolveDeployment(ns, controller) is { } deployment)
            Queue.Add(Informer.KeyOf(deployment));
    }

    private Deployment? ResolveDeployment(string? ns, OwnerReference controller)
    {
        if (controller.Kind != ResourceTypes.Deployments.Kind)
            return null;
        return _deployments.Get(ns, controller.Name) is { } deployment && deployment.Metadata.Uid == controller.Uid ? deployment : null;
    }

    private void EnqueueMatching(ReplicaSet rs)
    {
        foreach (var deployment in _deployments.List(rs.Metadata.Namespace))
        {
            try
            {
                if (Selector.FromLabelSelector(deployment.Spec.Selector).Matches(rs.Metadata.Labels))
                    Queue.Add(Informer.KeyOf(deployment));
            }
            catch (FormatException)
            {
                // Reported when that Deployment syncs.
            }
        }
    }
}
