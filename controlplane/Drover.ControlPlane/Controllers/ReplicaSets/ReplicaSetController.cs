using System.Runtime.ExceptionServices;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane.Controllers.ReplicaSets;

/// <summary>
/// Keeps each ReplicaSet's number of active pods at spec.replicas (Kubernetes' ReplicaSetController):
/// level-triggered on ReplicaSet keys, reading pods from the shared informer, creating from the template or
/// deleting the cheapest pods, adopting orphans that match the selector and releasing pods that stopped
/// matching, and publishing replicas/ready/available counts in the status.
/// </summary>
public sealed partial class ReplicaSetController : QueueController
{
    public const string Component = "replicaset-controller";

    private readonly ObjectService _objects;
    private readonly Informer<ReplicaSet> _replicaSets;
    private readonly Informer<Pod> _pods;
    private readonly Expectations _expectations;
    private readonly PodControl _podControl;
    private readonly TimeProvider _time;
    private readonly ILogger<ReplicaSetController> _logger;

    public ReplicaSetController(ObjectService objects, SharedInformers informers, EventWriter events, TimeProvider time, ILogger<ReplicaSetController> logger)
        : base("ReplicaSet", time, logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _time = time;
        _logger = logger;
        _expectations = new Expectations(time);
        _podControl = new PodControl(objects, events.ForComponent(Component), _expectations);
        _replicaSets = informers.For(ResourceTypes.ReplicaSets);
        _pods = informers.For(ResourceTypes.Pods);
        WorkloadIndexes.EnsureOn(_replicaSets);
        WorkloadIndexes.EnsureOn(_pods);
        _replicaSets.AddHandler(OnReplicaSetChanged);
        _pods.AddHandler(OnPodChanged);
    }

    protected override IEnumerable<Task> CachesSynced => [_replicaSets.Synced, _pods.Synced];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = Informer.SplitKey(key);
        if (_replicaSets.Get(ns, name) is not { } rs)
        {
            _expectations.Delete(key);
            return;
        }

        Selector selector;
        try
        {
            selector = Selector.FromLabelSelector(rs.Spec.Selector);
        }
        catch (FormatException e)
        {
            // Validation keeps these out; one that got in anyway would only fail again.
            LogInvalidSelector(_logger, key, e.Message);
            return;
        }

        var needsSync = _expectations.Satisfied(key);
        var pods = await ClaimPodsAsync(rs, selector, ct).ConfigureAwait(false);

        Exception? manageError = null;
        if (needsSync && rs.Metadata.DeletionTimestamp is null)
        {
            try
            {
                await ManageReplicasAsync(key, rs, pods, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                manageError = e;
            }
        }

        var now = _time.GetUtcNow();
        var status = ReplicaSetPlanner.CalculateStatus(rs, pods, manageError?.Message, now);
        await UpdateStatusAsync(rs, status, ct).ConfigureAwait(false);

        // Availability changes with time alone (minReadySeconds): look again when the next pod gets there.
        if (ReplicaSetPlanner.NextAvailableAt(rs, pods, now) is { } next)
            Queue.AddAfter(key, next - now + TimeSpan.FromMilliseconds(50));

        if (manageError is not null)
            ExceptionDispatchInfo.Throw(manageError);
    }

    /// <summary>
    /// The active pods this ReplicaSet controls after adopting matching orphans and releasing owned pods
    /// that no longer match (Kubernetes' PodControllerRefManager.ClaimPods).
    /// </summary>
    private async Task<List<Pod>> ClaimPodsAsync(ReplicaSet rs, Selector selector, CancellationToken ct)
    {
        var uid = rs.Metadata.Uid ?? "";
        var claimed = new List<Pod>();
        foreach (var pod in _pods.ByIndex(WorkloadIndexes.ByControllerUid, uid))
        {
            if (pod.Metadata.Namespace != rs.Metadata.Namespace || !PodStates.IsActive(pod))
                continue;
            if (selector.Matches(pod.Metadata.Labels))
            {
                claimed.Add(pod);
                continue;
            }
            if (rs.Metadata.DeletionTimestamp is null)
                await ReleaseAsync(rs, pod, ct).ConfigureAwait(false);
        }

        if (rs.Metadata.DeletionTimestamp is not null)
            return claimed;
        bool? canAdopt = null;
        foreach (var pod in _pods.ByIndex(WorkloadIndexes.OrphansByNamespace, rs.Metadata.Namespace ?? ""))
        {
            if (!PodStates.IsActive(pod) || !selector.Matches(pod.Metadata.Labels))
                continue;
            canAdopt ??= await CanAdoptAsync(rs, ct).ConfigureAwait(false);
            if (!canAdopt.Value)
                break;
            if (await AdoptAsync(rs, pod, ct).ConfigureAwait(false) is { } adopted)
                claimed.Add(adopted);
        }
        return claimed;
    }

    /// <summary>The cache may lag a delete-and-recreate: adopt only for the ReplicaSet the store has now (Kubernetes' RecheckDeletionTimestamp).</summary>
    private async Task<bool> CanAdoptAsync(ReplicaSet rs, CancellationToken ct)
    {
        var fresh = await _objects.GetAsync(ResourceTypes.ReplicaSets, rs.Metadata.Namespace, rs.Metadata.Name!, ct).ConfigureAwait(false);
        return fresh is not null && fresh.Metadata.Uid == rs.Metadata.Uid && fresh.Metadata.DeletionTimestamp is null;
    }

    private async Task<Pod?> AdoptAsync(ReplicaSet rs, Pod pod, CancellationToken ct)
    {
        var adopted = pod with { Metadata = ControllerRefs.WithController(pod.Metadata, ControllerRefs.For(ResourceTypes.ReplicaSets, rs)) };
        try
        {
            var written = await _objects.UpdateAsync(ResourceTypes.Pods, adopted, statusOnly: false, ct).ConfigureAwait(false);
            LogAdopted(_logger, rs.Metadata.Namespace ?? "", rs.Metadata.Name ?? "", pod.Metadata.Name ?? "");
            return written;
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            return null;
        }
    }

    private async Task ReleaseAsync(ReplicaSet rs, Pod pod, CancellationToken ct)
    {
        var released = pod with { Metadata = ControllerRefs.WithoutOwner(pod.Metadata, rs.Metadata.Uid ?? "") };
        try
        {
            await _objects.UpdateAsync(ResourceTypes.Pods, released, statusOnly: false, ct).ConfigureAwait(false);
            LogReleased(_logger, rs.Metadata.Namespace ?? "", rs.Metadata.Name ?? "", pod.Metadata.Name ?? "");
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            // Gone already: nothing to release.
        }
    }

    private async Task ManageReplicasAsync(string key, ReplicaSet rs, List<Pod> pods, CancellationToken ct)
    {
        var diff = pods.Count - (rs.Spec.Replicas ?? 1);
        if (diff < 0)
            await CreatePodsAsync(key, rs, Math.Min(-diff, ReplicaSetPlanner.BurstReplicas), ct).ConfigureAwait(false);
        else if (diff > 0)
            await DeletePodsAsync(key, rs, pods, Math.Min(diff, ReplicaSetPlanner.BurstReplicas), ct).ConfigureAwait(false);
    }

    private async Task CreatePodsAsync(string key, ReplicaSet rs, int count, CancellationToken ct)
    {
        // Raised before the first create: the informer may report a new pod before CreateAsync returns.
        _expectations.ExpectCreations(key, count);
        var template = ReplicaSetPlanner.PodFromTemplate(rs, ControllerRefs.For(ResourceTypes.ReplicaSets, rs));
        var created = 0;
        Exception? failure = null;
        foreach (var batch in ReplicaSetPlanner.SlowStartBatches(count))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => _podControl.CreateAsync(ResourceTypes.ReplicaSets, rs, template, ct))).ConfigureAwait(false);
            foreach (var error in results)
            {
                if (error is null)
                    created++;
                else
                    failure ??= error;
            }
            if (failure is not null)
                break;
        }
        // The pods never created will never be observed.
        for (var i = created; i < count; i++)
            _expectations.CreationObserved(key);
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
    }

    private Task DeletePodsAsync(string key, ReplicaSet rs, List<Pod> pods, int count, CancellationToken ct) =>
        _podControl.DeleteAsync(key, ResourceTypes.ReplicaSets, rs, ReplicaSetPlanner.PodsToDelete(pods, RelatedPods(rs, pods), count), ct);

    /// <summary>The pods of every ReplicaSet with the same controller (a Deployment's old and new pods), for spreading what stays.</summary>
    private List<Pod> RelatedPods(ReplicaSet rs, List<Pod> own)
    {
        if (ControllerRefs.ControllerOf(rs.Metadata) is not { Uid: { Length: > 0 } ownerUid })
            return own;
        var related = new List<Pod>();
        foreach (var sibling in _replicaSets.ByIndex(WorkloadIndexes.ByControllerUid, ownerUid))
        {
            related.AddRange(_pods.ByIndex(WorkloadIndexes.ByControllerUid, sibling.Metadata.Uid ?? ""));
        }
        return related;
    }

    // The status is computed from pods, not from the ReplicaSet's spec, so it holds for any stored version.
    private Task UpdateStatusAsync(ReplicaSet rs, ReplicaSetStatus status, CancellationToken ct) =>
        StatusWriter.WriteAsync(_objects, ResourceTypes.ReplicaSets, rs,
            current => ReplicaSetPlanner.StatusEquals(current.Status, status) ? null : current with { Status = status }, ct);
}
