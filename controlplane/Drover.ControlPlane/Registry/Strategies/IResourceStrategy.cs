using Drover.Api;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>
/// What is particular to one kind in the registry's create, update and delete (Kubernetes' REST strategies). The
/// registry does the generic part — server-owned metadata, defaulting and validation, generation, preconditions —
/// and asks the kind's strategy at these points. The extension point for kinds with allocations (a node's
/// podCIDR, a service's cluster IP) or with their own deletion semantics (a pod's grace period).
/// </summary>
public interface IResourceStrategy
{
    /// <summary>On create, before defaulting and validation: the status a new object starts from.</summary>
    KubeObject PrepareForCreate(KubeObject obj);

    /// <summary>On create, after defaulting and validation: fields that follow from the admitted object (a pod's QoS class).</summary>
    KubeObject Canonicalize(KubeObject admitted);

    /// <summary>
    /// Carries out the create through <paramref name="write"/>, with whatever the kind allocates for it; an
    /// allocation the write did not use is released before this returns or throws.
    /// </summary>
    Task<KubeObject> CreateAsync(KubeObject obj, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct);

    /// <summary>
    /// On update, before defaulting and validation: what the server carries over from <paramref name="existing"/> when
    /// the caller left it out (a service's allocated cluster IP and node ports, as Kubernetes' patchAllocatedValues).
    /// </summary>
    KubeObject PrepareForUpdate(KubeObject incoming, KubeObject existing);

    /// <summary>
    /// Carries out the update through <paramref name="write"/> (which returns <paramref name="existing"/> when nothing
    /// changed), with whatever the kind newly allocates for it; what the written object no longer holds is released.
    /// </summary>
    Task<KubeObject> UpdateAsync(KubeObject updated, KubeObject existing, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct);

    /// <summary>After the object is gone from the store: release what it held.</summary>
    Task RemovedAsync(KubeObject removed, CancellationToken ct);

    /// <summary>
    /// Seconds the object stays (marked for deletion) before it may be removed; 0 removes it at once unless it has
    /// finalizers. <paramref name="requested"/> is the caller's gracePeriodSeconds, if any.
    /// </summary>
    long GracePeriodSeconds(KubeObject existing, long? requested);

    /// <summary>Whether an object marked for deletion whose finalizers are all gone must still wait (a pod its node has yet to stop).</summary>
    bool AwaitsGracefulDeletion(KubeObject obj);
}
