using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// Deletion as Kubernetes does it, shared by the DELETE verb and the garbage collector: a pod running
/// on a node is only marked (its node stops it within the grace period and then removes it, as the
/// kubelet does), an object with finalizers is only marked, anything else is removed at once.
/// </summary>
public sealed class ObjectDeleter
{
    private readonly ObjectStore _objects;
    private readonly TimeProvider _time;

    public ObjectDeleter(ObjectStore objects, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        _objects = objects;
        _time = time;
    }

    /// <summary>Attempts before a delete racing other writers gives up with the conflict.</summary>
    private const int MaxAttempts = 10;

    /// <summary>
    /// Returns the removed object, or the object as marked for deletion. A DELETE carries no precondition, so
    /// a write that lands between our read and our compare-and-swap (a controller updating status) is no
    /// reason to fail: re-read and try again, as Kubernetes' GuaranteedUpdate does.
    /// </summary>
    public async Task<(KubeObject Result, bool Removed)> DeleteAsync(ResourceType type, string? ns, string name, long? gracePeriodSeconds, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DeleteOnceAsync(type, ns, name, gracePeriodSeconds, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code == 409 && attempt < MaxAttempts)
            {
                // Someone wrote in between: the next round reads their version.
            }
        }
    }

    private async Task<(KubeObject Result, bool Removed)> DeleteOnceAsync(ResourceType type, string? ns, string name, long? gracePeriodSeconds, CancellationToken ct)
    {
        var existing = await _objects.GetRequiredAsync(type, ns, name, ct).ConfigureAwait(false);
        var revision = ObjectStore.ParseResourceVersion(existing);
        var marked = MarkForDeletion(existing, gracePeriodSeconds);
        if (marked is null)
            return (await _objects.DeleteAsync(type, ns, name, revision, ct).ConfigureAwait(false), true);
        if (ReferenceEquals(marked, existing))
            return (existing, false);
        return (await _objects.UpdateAsync(type, marked, revision, ct).ConfigureAwait(false), false);
    }

    /// <summary>A pod whose node still has to stop it before it may go.</summary>
    public static bool IsGracefulPod(KubeObject obj) =>
        obj is Pod { Spec.NodeName: { Length: > 0 } } && obj.Metadata.DeletionGracePeriodSeconds > 0;

    private KubeObject? MarkForDeletion(KubeObject existing, long? requestedGrace)
    {
        var meta = existing.Metadata;
        var hasFinalizers = (meta.Finalizers?.Count ?? 0) > 0;
        var grace = existing is Pod { Spec.NodeName: { Length: > 0 } } pod
            ? requestedGrace ?? pod.Spec.TerminationGracePeriodSeconds ?? 30
            : 0;
        if (!hasFinalizers && grace == 0)
            return null;
        // Already being deleted: only a shorter grace period changes anything.
        if (meta.DeletionTimestamp is not null && !(grace < (meta.DeletionGracePeriodSeconds ?? long.MaxValue)))
            return existing;
        return existing with
        {
            Metadata = meta with { DeletionTimestamp = _time.GetUtcNowSeconds().AddSeconds(grace), DeletionGracePeriodSeconds = grace },
        };
    }
}
