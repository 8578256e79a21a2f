using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.DaemonSets;

/// <summary>
/// Keeps one pod of each DaemonSet on every node that should run it (Kubernetes' daemon controller), nodes that
/// join later included: level-triggered on DaemonSet keys, woken by node changes too; pods bound to their node
/// directly; a ControllerRevision per template (the rollout history `rollout undo` goes back to), pruned to
/// revisionHistoryLimit; rolling updates and the status from <see cref="DaemonSetPlanner"/>.
/// </summary>
public sealed partial class DaemonSetController : QueueController
{
    public const string Component = "daemonset-controller";

    private readonly ObjectService _objects;
    private readonly Informer<DaemonSet> _daemonSets;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly Informer<ControllerRevision> _revisions;
    private readonly Expectations _expectations;
    private readonly EventRecorder _events;
    private readonly PodControl _podControl;
    private readonly TimeProvider _time;
    private readonly ILogger<DaemonSetController> _logger;
    /// <summary>DaemonSet key → nodes where its pod did not fit at the last sync.</summary>
    private readonly ConcurrentDictionary<string, string[]> _suspended = new(StringComparer.Ordinal);

    public DaemonSetController(ObjectService objects, SharedInformers informers, EventWriter events, TimeProvider time, ILogger<DaemonSetController> logger)
        : base("DaemonSet", time, logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _time = time;
        _logger = logger;
        _events = events.ForComponent(Component);
        _expectations = new Expectations(time);
        _podControl = new PodControl(objects, _events, _expectations);
        _daemonSets = informers.For(ResourceTypes.DaemonSets);
        _pods = informers.For(ResourceTypes.Pods);
        _nodes = informers.For(ResourceTypes.Nodes);
        _revisions = informers.For(ResourceTypes.ControllerRevisions);
        WorkloadIndexes.EnsureOn(_pods);
        WorkloadIndexes.EnsurePodsByNodeOn(_pods);
        WorkloadIndexes.EnsureOn(_revisions);
        _daemonSets.AddHandler(OnDaemonSetChanged);
        _pods.AddHandler(OnPodChanged);
        _nodes.AddHandler(OnNodeChanged);
    }

    protected override IEnumerable<Task> CachesSynced => [_daemonSets.Synced, _pods.Synced, _nodes.Synced, _revisions.Synced];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = Informer.SplitKey(key);
        if (_daemonSets.Get(ns, name) is not { } ds)
        {
            _expectations.Delete(key);
            _suspended.TryRemove(key, out _);
            return;
        }
        if (ds.Metadata.DeletionTimestamp is not null)
            return;

        var hash = DaemonSetPlanner.Hash(ds);
        var pods = OwnedPods(ds);
        await EnsureRevisionAsync(ds, hash, pods, ct).ConfigureAwait(false);

        var now = _time.GetUtcNow();
        var nodes = _nodes.List().OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
        var controller = ControllerRefs.For(ResourceTypes.DaemonSets, ds);
        var plan = DaemonSetPlanner.Plan(ds, nodes, pods, now,
            node => DaemonFit.Misfit(node, DaemonSetPlanner.PodFor(ds, node.Metadata.Name ?? "", hash, controller), PodsOn(node.Metadata.Name ?? "")));
        RecordUnplaced(key, ds, plan.Unplaced);
        Exception? manageError = null;
        if (_expectations.Satisfied(key))
        {
            try
            {
                if (plan.Delete.Count > 0)
                    await _podControl.DeleteAsync(key, ResourceTypes.DaemonSets, ds, plan.Delete, ct).ConfigureAwait(false);
                if (plan.CreateOn.Count > 0)
                    await CreatePodsAsync(key, ds, hash, plan.CreateOn, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                manageError = e;
            }
        }

        await UpdateStatusAsync(ds, plan.Status, ct).ConfigureAwait(false);
        if (plan.RequeueAt is { } at)
            Queue.AddAfter(key, at > now ? at - now + TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(50));
        if (manageError is not null)
            ExceptionDispatchInfo.Throw(manageError);
    }

    private IEnumerable<Pod> PodsOn(string node) => _pods.ByIndex(WorkloadIndexes.PodsByNode, node);

    /// <summary>
    /// A FailedPlacement Event for each node without room, and the nodes remembered, so that a pod leaving one of them
    /// wakes this DaemonSet (Kubernetes' suspendedDaemonPods).
    /// </summary>
    private void RecordUnplaced(string key, DaemonSet ds, List<(string Node, string Reason)> unplaced)
    {
        foreach (var (node, reason) in unplaced)
            _events.Warning(ResourceTypes.DaemonSets, ds, DaemonFit.FailedPlacement, $"failed to place pod on \"{node}\": {reason}");
        if (unplaced.Count == 0)
            _suspended.TryRemove(key, out _);
        else
            _suspended[key] = [.. unplaced.Select(u => u.Node)];
    }

    private List<Pod> OwnedPods(DaemonSet ds)
    {
        var pods = new List<Pod>();
        foreach (var pod in _pods.ByIndex(WorkloadIndexes.ByControllerUid, ds.Metadata.Uid ?? ""))
        {
            if (pod.Metadata.Namespace == ds.Metadata.Namespace)
                pods.Add(pod);
        }
        return pods;
    }

    /// <summary>
    /// The current template recorded as the newest revision (an older revision of the same template, after an undo,
    /// is renumbered rather than duplicated, as Kubernetes does), and the history beyond revisionHistoryLimit pruned
    /// oldest first, never a revision a live pod still runs.
    /// </summary>
    private async Task EnsureRevisionAsync(DaemonSet ds, string hash, List<Pod> pods, CancellationToken ct)
    {
        var history = _revisions.ByIndex(WorkloadIndexes.ByControllerUid, ds.Metadata.Uid ?? "")
            .Where(r => r.Metadata.Namespace == ds.Metadata.Namespace).ToList();
        var name = ds.Metadata.Name + "-" + hash;
        var max = history.Count == 0 ? 0 : history.Max(r => r.Revision);
        var current = history.FirstOrDefault(r => r.Metadata.Name == name);
        if (current is null)
        {
            var revision = new ControllerRevision
            {
                ApiVersion = ResourceTypes.ControllerRevisions.ApiVersion,
                Kind = ResourceTypes.ControllerRevisions.Kind,
                Metadata = new ObjectMeta
                {
                    Name = name,
                    Namespace = ds.Metadata.Namespace,
                    Labels = new Dictionary<string, string>(ds.Spec.Template.Metadata?.Labels ?? [], StringComparer.Ordinal) { [DaemonSetPlanner.HashLabel] = hash },
                    // The DaemonSet's annotations as they are now, as Kubernetes' snapshot copies them: its change-cause is
                    // what `rollout history` shows for the revision.
                    Annotations = ds.Metadata.Annotations is { } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null,
                    OwnerReferences = [ControllerRefs.For(ResourceTypes.DaemonSets, ds)],
                },
                Data = DaemonSetRevisions.Data(ds.Spec.Template),
                Revision = max + 1,
            };
            try
            {
                current = await _objects.CreateAsync(ResourceTypes.ControllerRevisions, revision, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code == 409)
            {
                // Made by the previous sync and not in the cache yet.
                return;
            }
            history.Add(current);
        }
        else if (current.Revision < max)
        {
            current = await _objects.UpdateAsync(ResourceTypes.ControllerRevisions, current with { Revision = max + 1 }, statusOnly: false, ct).ConfigureAwait(false);
            history.RemoveAll(r => r.Metadata.Name == name);
            history.Add(current);
        }

        var limit = ds.Spec.RevisionHistoryLimit ?? 10;
        var live = pods.Select(p => p.Metadata.Labels?.GetValueOrDefault(DaemonSetPlanner.HashLabel)).Where(h => h is not null).ToHashSet(StringComparer.Ordinal);
        var old = history.Where(r => r.Metadata.Name != name && !live.Contains(r.Metadata.Labels?.GetValueOrDefault(DaemonSetPlanner.HashLabel) ?? ""))
            .OrderBy(r => r.Revision).ToList();
        foreach (var revision in old.Take(Math.Max(0, old.Count - limit)))
        {
            try
            {
                await _objects.DeleteAsync(ResourceTypes.ControllerRevisions, revision.Metadata.Namespace, revision.Metadata.Name!, gracePeriodSeconds: null, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code == 404)
            {
                // Gone already.
            }
        }
    }

    private async Task CreatePodsAsync(string key, DaemonSet ds, string hash, List<string> nodes, CancellationToken ct)
    {
        _expectations.ExpectCreations(key, nodes.Count);
        var controller = ControllerRefs.For(ResourceTypes.DaemonSets, ds);
        var results = await Task.WhenAll(nodes.Select(node => _podControl.CreateAsync(ResourceTypes.DaemonSets, ds, DaemonSetPlanner.PodFor(ds, node, hash, controller), ct))).ConfigureAwait(false);
        foreach (var error in results)
        {
            if (error is not null)
                _expectations.CreationObserved(key);
        }
        if (results.FirstOrDefault(e => e is not null) is { } failure)
            ExceptionDispatchInfo.Throw(failure);
    }

    // The status is computed from nodes and pods; it holds for a stored spec only of the same generation.
    private Task UpdateStatusAsync(DaemonSet ds, DaemonSetStatus status, CancellationToken ct) =>
        StatusWriter.WriteAsync(_objects, ResourceTypes.DaemonSets, ds,
            current => current.Metadata.Generation != ds.Metadata.Generation || DaemonSetPlanner.StatusEquals(current.Status, status)
                ? null : current with { Status = status }, ct);
}
