using System.Runtime.ExceptionServices;
using Drover.Api;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers;

/// <summary>
/// Creates and deletes a workload's pods the one way (Kubernetes' controller.PodControl): each write gets its
/// SuccessfulCreate/FailedCreate or SuccessfulDelete/FailedDelete Event on the owner, deletions are expected before
/// they are sent (so the owner is not synced again on a stale cache), and a pod already gone counts as deleted.
/// </summary>
public sealed class PodControl(ObjectService objects, EventRecorder events, Expectations expectations)
{
    /// <summary>Creates one pod; the failure is returned (and recorded), not thrown, so a batch can finish.</summary>
    public async Task<Exception?> CreateAsync(ResourceType ownerType, KubeObject owner, Pod pod, CancellationToken ct)
    {
        try
        {
            var created = await objects.CreateAsync(ResourceTypes.Pods, pod, ct).ConfigureAwait(false);
            events.Normal(ownerType, owner, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            return null;
        }
        catch (ApiException e)
        {
            events.Warning(ownerType, owner, "FailedCreate", $"Error creating: {e.Message}");
            return e;
        }
    }

    /// <summary>Deletes <paramref name="victims"/> at once; throws the first failure after all were tried.</summary>
    public async Task DeleteAsync(string key, ResourceType ownerType, KubeObject owner, List<Pod> victims, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(victims);
        expectations.ExpectDeletions(key, victims.Select(PodStates.Key));
        var results = await Task.WhenAll(victims.Select(pod => DeleteOneAsync(key, ownerType, owner, pod, ct))).ConfigureAwait(false);
        if (results.FirstOrDefault(e => e is not null) is { } failure)
            ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>
    /// Takes <paramref name="finalizer"/> off the pod (a pod being deleted is then removed); true when it is off or the
    /// pod is gone. A conflict (the node wrote the status meanwhile) is retried on a fresh read.
    /// </summary>
    public async Task<bool> RemoveFinalizerAsync(Pod pod, string finalizer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var current = pod;
        try
        {
            return await ConflictRetry.RetryOnConflictAsync(async token =>
            {
                if (current.Metadata.Finalizers?.Contains(finalizer) != true)
                    return true;
                var without = current.Metadata.Finalizers.Where(f => f != finalizer).ToList();
                try
                {
                    await objects.UpdateAsync(ResourceTypes.Pods, current with { Metadata = current.Metadata with { Finalizers = without.Count == 0 ? null : without } }, statusOnly: false, token).ConfigureAwait(false);
                    return true;
                }
                catch (ApiException e) when (e.Status.Code == 409)
                {
                    if (await objects.GetAsync(ResourceTypes.Pods, pod.Metadata.Namespace, pod.Metadata.Name!, token).ConfigureAwait(false) is not Pod fresh || fresh.Metadata.Uid != pod.Metadata.Uid)
                        return true;
                    current = fresh;
                    throw;
                }
            }, ct: ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            return true;
        }
    }

    private async Task<Exception?> DeleteOneAsync(string key, ResourceType ownerType, KubeObject owner, Pod pod, CancellationToken ct)
    {
        try
        {
            await objects.DeleteAsync(ResourceTypes.Pods, pod.Metadata.Namespace, pod.Metadata.Name!, gracePeriodSeconds: null, ct).ConfigureAwait(false);
            events.Normal(ownerType, owner, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            return null;
        }
        catch (ApiException e)
        {
            expectations.DeletionObserved(key, PodStates.Key(pod));
            if (e.Status.Code == 404)
                return null;
            events.Warning(ownerType, owner, "FailedDelete", $"Error deleting: {e.Message}");
            return e;
        }
    }
}
