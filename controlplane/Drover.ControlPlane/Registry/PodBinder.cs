using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// The binding operation (Kubernetes' pods/binding subresource), shared by the REST route and the in-process
/// scheduling loop so both obey one rule set: a pod is assigned once (a bound pod is a 409, as in Kubernetes),
/// never while being deleted, and the write sets <c>spec.nodeName</c> together with <c>PodScheduled=True</c>.
/// </summary>
public sealed class PodBinder
{
    /// <summary>Conflicts that only mean "someone wrote the pod's status meanwhile" are retried this often.</summary>
    private const int MaxAttempts = 5;

    private readonly ObjectStore _objects;
    private readonly TimeProvider _time;

    public PodBinder(ObjectStore objects, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        _objects = objects;
        _time = time;
    }

    /// <summary>
    /// Binds pod <paramref name="ns"/>/<paramref name="name"/> to <paramref name="nodeName"/>. <paramref name="cached"/>
    /// (the scheduler's informer copy) saves a read: its resourceVersion is the precondition, and a conflict
    /// re-reads the pod and tries again, because a status write in between does not make the binding wrong.
    /// <paramref name="expectedUid"/> guards against binding a pod deleted and re-created under the same name.
    /// </summary>
    public async Task<Pod> BindAsync(string ns, string name, string nodeName, string? expectedUid, Pod? cached, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ValidateTarget(name, nodeName);
        // The cached pod first; after a lost race of the write the stored one. A refusal of the binding itself (already
        // assigned, being deleted, another uid) is the answer, not a race.
        var pod = cached;
        var writing = false;
        return await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            writing = false;
            var current = pod ?? await GetAsync(ns, name, token).ConfigureAwait(false);
            pod = null;
            var bound = Bound(current, nodeName, expectedUid);
            writing = true;
            return (Pod)await _objects.UpdateAsync(ResourceTypes.Pods, bound, ResourceVersions.Of(current), token).ConfigureAwait(false);
        }, _ => writing, MaxAttempts, ct).ConfigureAwait(false);
    }

    private async Task<Pod> GetAsync(string ns, string name, CancellationToken ct) =>
        (Pod)await _objects.GetRequiredAsync(ResourceTypes.Pods, ns, name, ct).ConfigureAwait(false);

    /// <summary>The pod as bound, after the checks Kubernetes' binding storage makes; throws the API error otherwise.</summary>
    private Pod Bound(Pod pod, string nodeName, string? expectedUid)
    {
        var name = pod.Metadata.Name!;
        if (!string.IsNullOrEmpty(expectedUid) && expectedUid != pod.Metadata.Uid)
            throw new ApiException(ApiErrors.Conflict(ResourceTypes.Pods, name) with
            {
                Message = $"Operation cannot be fulfilled on pods/binding \"{name}\": the pod's uid is {pod.Metadata.Uid}, not {expectedUid}",
            });
        if (pod.Metadata.DeletionTimestamp is not null)
            throw new ApiException(ApiErrors.Conflict(ResourceTypes.Pods, name) with
            {
                Message = $"Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is being deleted, cannot be assigned to a host",
            });
        if (!string.IsNullOrEmpty(pod.Spec.NodeName))
            throw new ApiException(ApiErrors.Conflict(ResourceTypes.Pods, name) with
            {
                Message = $"Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node \"{pod.Spec.NodeName}\"",
            });

        var status = pod.Status ?? new PodStatus { Phase = PodPhases.Pending };
        return pod with
        {
            Spec = pod.Spec with { NodeName = nodeName },
            Status = status with { Conditions = PodConditions.Set(status.Conditions, new PodCondition { Type = PodConditions.PodScheduled, Status = "True" }, _time.GetUtcNowSeconds()) },
        };
    }

    /// <summary>
    /// The target must be a possible node name. Only the name is judged, not the whole pod again: a pod
    /// stored under older rules must still be bindable. The node need not exist yet, as in Kubernetes.
    /// </summary>
    private static void ValidateTarget(string podName, string nodeName)
    {
        if (string.IsNullOrEmpty(nodeName))
            throw new ApiException(ApiErrors.Invalid(ResourceTypes.Pods, podName, [new FieldError("target.name", FieldErrorType.Required, null, "")]));
        foreach (var error in ObjectValidator.Validate(new Node { Metadata = new ObjectMeta { Name = nodeName } }))
        {
            if (error.Field == "metadata.name")
                throw new ApiException(ApiErrors.Invalid(ResourceTypes.Pods, podName, [error with { Field = "target.name" }]));
        }
    }
}
