using Drover.Api;
using Drover.ControlPlane.Registry.Strategies;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// Deletion as Kubernetes does it, for the DELETE verb and the garbage collector alike: an object with a grace
/// period (a pod running on a node: its node stops it and then removes it, as the kubelet does) or with finalizers
/// is only marked; anything else is removed at once. Deleting with propagationPolicy Orphan adds the orphan
/// finalizer, so the object stays until the garbage collector has released its dependents.
/// </summary>
public sealed class ObjectDeleter
{
    private readonly ObjectStore _objects;
    private readonly TimeProvider _time;
    private readonly ResourceStrategies _strategies;

    public ObjectDeleter(ObjectStore objects, TimeProvider time, ResourceStrategies strategies)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(strategies);
        _objects = objects;
        _time = time;
        _strategies = strategies;
    }

    /// <summary>Attempts before a delete racing other writers gives up with the conflict.</summary>
    private const int MaxAttempts = 10;

    /// <summary>
    /// Returns the removed object, or the object as marked for deletion. A DELETE carries no precondition, so
    /// a write that lands between our read and our compare-and-swap (a controller updating status) is no
    /// reason to fail: re-read and try again, as Kubernetes' GuaranteedUpdate does.
    /// </summary>
    public async Task<(KubeObject Result, bool Removed)> DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        if (!PropagationPolicies.IsKnown(options.PropagationPolicy))
            throw new ApiException(ApiErrors.BadRequest($"propagationPolicy: Unsupported value: \"{options.PropagationPolicy}\": supported values: \"Background\", \"Foreground\", \"Orphan\""));
        // Someone may write in between: the next round reads their version.
        return await ConflictRetry.RetryOnConflictAsync(token => DeleteOnceAsync(type, ns, name, options, token), MaxAttempts, ct).ConfigureAwait(false);
    }

    private async Task<(KubeObject Result, bool Removed)> DeleteOnceAsync(ResourceType type, string? ns, string name, DeleteOptions options, CancellationToken ct)
    {
        var existing = await _objects.GetRequiredAsync(type, ns, name, ct).ConfigureAwait(false);
        var revision = ResourceVersions.Of(existing);
        var marked = MarkForDeletion(type, existing, options);
        if (marked is null)
        {
            var removed = await _objects.DeleteAsync(type, ns, name, revision, ct).ConfigureAwait(false);
            await _strategies.For(type).RemovedAsync(removed, ct).ConfigureAwait(false);
            return (removed, true);
        }
        if (ReferenceEquals(marked, existing))
            return (existing, false);
        return (await _objects.UpdateAsync(type, marked, revision, ct).ConfigureAwait(false), false);
    }

    private KubeObject? MarkForDeletion(ResourceType type, KubeObject existing, DeleteOptions options)
    {
        var meta = existing.Metadata;
        var finalizers = meta.Finalizers;
        if (options.PropagationPolicy == PropagationPolicies.Orphan && !(finalizers?.Contains(PropagationPolicies.OrphanFinalizer) ?? false))
            finalizers = [.. finalizers ?? [], PropagationPolicies.OrphanFinalizer];
        var grace = _strategies.For(type).GracePeriodSeconds(existing, options.GracePeriodSeconds);
        if ((finalizers?.Count ?? 0) == 0 && grace == 0)
            return null;
        // Already being deleted: only a shorter grace period or a new finalizer changes anything.
        var shorter = grace < (meta.DeletionGracePeriodSeconds ?? long.MaxValue);
        if (meta.DeletionTimestamp is not null && !shorter && ReferenceEquals(finalizers, meta.Finalizers))
            return existing;
        return existing with
        {
            Metadata = meta with
            {
                Finalizers = finalizers,
                DeletionTimestamp = meta.DeletionTimestamp is not null && !shorter ? meta.DeletionTimestamp : _time.GetUtcNowSeconds().AddSeconds(grace),
                DeletionGracePeriodSeconds = meta.DeletionTimestamp is not null && !shorter ? meta.DeletionGracePeriodSeconds : grace,
            },
        };
    }
}
