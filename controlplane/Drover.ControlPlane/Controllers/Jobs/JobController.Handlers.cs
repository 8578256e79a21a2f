using Drover.Api;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>Informer handlers: turn Job and pod changes into Job keys (quick, on the watch loop).</summary>
public sealed partial class JobController
{
    private void OnJobChanged(ObjectChange<Job> change)
    {
        var key = Informer.KeyOf(change.Latest);
        if (change.New is null)
        {
            _expectations.Delete(key);
            _ownWrites.TryRemove(key, out _);
        }
        Queue.Add(key);
    }

    private void OnPodChanged(ObjectChange<Pod> change)
    {
        var pod = change.Latest;
        var controller = ControllerRefs.ControllerOf(pod.Metadata);
        if (controller is not { Kind: "Job" } || _jobs.Get(pod.Metadata.Namespace, controller.Name) is not { } job || job.Metadata.Uid != controller.Uid)
        {
            // No Job of ours will count this pod: its tracking finalizer would keep it forever.
            if (change.New is { } current && JobTracking.HasFinalizer(current))
                Queue.Add(OrphanPodPrefix + Informer.KeyOf(current));
            return;
        }
        var key = Informer.KeyOf(job);
        if (change.Old is null && change.New is not null)
            _expectations.CreationObserved(key);
        else if (change.New is null || (change.New.Metadata.DeletionTimestamp is not null && change.Old?.Metadata.DeletionTimestamp is null))
            _expectations.DeletionObserved(key, PodStates.Key(pod));
        Queue.Add(key);
    }
}
