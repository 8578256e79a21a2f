using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Scheduling;
using Drover.Scheduling;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane.Controllers.NodeLifecycle;

/// <summary>
/// Notices dead nodes, as Kubernetes' node lifecycle controller and taint manager do. A node not seen alive
/// (<see cref="NodeHeartbeats"/>: Lease renewals in kube-node-lease, Ready heartbeats) for the grace period
/// gets its agent-written conditions set to Unknown, its pods' Ready condition set to False (so Services stop
/// sending them traffic) and the <c>node.kubernetes.io/unreachable</c> taints, NoSchedule and NoExecute.
/// Pods stay on it for their toleration of the NoExecute taint (the eviction timeout by default) and are then
/// deleted outright: the agent that would finish a graceful deletion is the thing that is gone, and only a
/// pod that is really gone is replaced by its ReplicaSet. A heartbeat removes the taints again; the agent
/// rewrites its own conditions.
/// </summary>
internal sealed partial class NodeLifecycleController : BackgroundService
{
    public const string LeaseNamespace = "kube-node-lease";
    private const string PodsByNode = "nodelifecycle/pods-by-node";

    private readonly Informer<Node> _nodes;
    private readonly Informer<Lease> _leases;
    private readonly Informer<Pod> _pods;
    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EventRecorder _events;
    private readonly NodeHeartbeats _heartbeats = new();
    private readonly TimeSpan _grace;
    private readonly TimeSpan _evictionTimeout;
    private readonly TimeSpan _period;
    private bool _fullDisruption;

    public NodeLifecycleController(SharedInformers informers, ObjectService objects, EventWriter events, ServerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _objects = objects;
        _time = time;
        _logger = loggers.CreateLogger<NodeLifecycleController>();
        _events = events.ForComponent("node-controller");
        _grace = options.NodeMonitorGracePeriod;
        _evictionTimeout = options.PodEvictionTimeout;
        // Checked often enough that a node is marked, and its pods evicted, within a fraction of a second of
        // their deadlines: each pass can be up to one period late, and a dead node costs two of them (mark,
        // then evict). With a 1 s period a node killed just after a heartbeat had its pods replaced up to 2 s
        // past grace + eviction timeout (the bound is 40 s + pod start); a pass is a walk over the
        // informer caches that writes nothing while no deadline passes, so 4 per second cost nothing.
        _period = TimeSpan.FromTicks(Math.Clamp(_grace.Ticks / 5, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromMilliseconds(250).Ticks));
        _nodes = informers.For(ResourceTypes.Nodes);
        _leases = informers.For(ResourceTypes.Leases);
        _pods = informers.For(ResourceTypes.Pods);
        _pods.AddIndex(PodsByNode, pod => pod.Spec.NodeName is { Length: > 0 } node ? [node] : []);
        _leases.AddHandler(OnLease);
        _nodes.AddHandler(OnNode);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(_nodes.Synced, _leases.Synced, _pods.Synced).WaitAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(_period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await MonitorAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void OnLease(ObjectChange<Lease> change)
    {
        if (change.New is { Metadata.Namespace: LeaseNamespace } lease)
            _heartbeats.ObserveLease(lease.Metadata.Name!, lease.Spec.RenewTime, _time.GetUtcNow());
    }

    private void OnNode(ObjectChange<Node> change)
    {
        if (change.New is not { } node)
        {
            _heartbeats.Remove(change.Old!.Metadata.Name!);
            return;
        }
        var ready = node.Status?.Conditions?.Find(c => c?.Type == "Ready");
        _heartbeats.ObserveNode(node.Metadata.Name!, ready?.LastHeartbeatTime, _time.GetUtcNow());
    }

    /// <summary>One pass over every node; a failure on one node is logged and retried on the next pass.</summary>
    internal async Task MonitorAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var nodes = new List<(Node Node, bool Silent)>();
        var silentCount = 0;
        foreach (var node in _nodes.List())
        {
            var silent = now - _heartbeats.LastSeen(node.Metadata.Name!, now) > _grace;
            silentCount += silent ? 1 : 0;
            nodes.Add((node, silent));
        }
        // Every node silent at once is far more likely droverd's own network than every node dying:
        // Kubernetes calls it full disruption and stops evicting. Nodes are still marked and kept free of
        // new pods, but their NoExecute taints come off, so eviction timers start afresh once some node
        // is heard from again instead of emptying the whole cluster the moment the link returns.
        var fullDisruption = silentCount > 0 && silentCount == nodes.Count;
        if (fullDisruption != _fullDisruption)
        {
            _fullDisruption = fullDisruption;
            if (fullDisruption)
                LogFullDisruption(_logger, silentCount);
            else
                LogDisruptionOver(_logger);
        }

        foreach (var (cached, silent) in nodes)
        {
            var node = cached;
            try
            {
                node = silent
                    ? await MarkUnreachableAsync(node, fullDisruption, ct).ConfigureAwait(false)
                    : await ClearUnreachableAsync(node, ct).ConfigureAwait(false);
                if (NodeUnreachable.Find(node.Spec.Taints, TaintEffects.NoExecute) is { } taint)
                    await EvictAsync(node, taint, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (ApiException e) when (e.Status.Code is 404 or 409)
            {
                // Deleted or written meanwhile: the next pass starts from the newer object.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogNodeFailed(_logger, e, node.Metadata.Name!);
            }
        }
    }

    private async Task<Node> MarkUnreachableAsync(Node node, bool fullDisruption, CancellationToken ct)
    {
        var now = _time.GetUtcNowSeconds();
        if (NodeUnreachable.MarkUnknown(node.Status, now) is { } unknown)
        {
            node = await _objects.UpdateAsync(ResourceTypes.Nodes, node with { Status = unknown }, statusOnly: true, ct).ConfigureAwait(false);
            LogUnreachable(_logger, node.Metadata.Name!, _grace.TotalSeconds);
            _events.Normal(ResourceTypes.Nodes, node, "NodeNotReady", $"Node {node.Metadata.Name} status is now: NodeNotReady");
        }
        var taints = fullDisruption ? NodeUnreachable.WithoutNoExecute(node.Spec.Taints) ?? NodeUnreachable.WithNoSchedule(node.Spec.Taints) : NodeUnreachable.WithTaints(node.Spec.Taints, now);
        if (taints is not null)
            node = await _objects.UpdateAsync(ResourceTypes.Nodes, node with { Spec = node.Spec with { Taints = taints.Count > 0 ? taints : null } }, statusOnly: false, ct).ConfigureAwait(false);
        await MarkPodsNotReadyAsync(node, now, ct).ConfigureAwait(false);
        return node;
    }

    private async Task<Node> ClearUnreachableAsync(Node node, CancellationToken ct)
    {
        if (NodeUnreachable.WithoutTaints(node.Spec.Taints) is not { } cleared)
            return node;
        node = await _objects.UpdateAsync(ResourceTypes.Nodes, node with { Spec = node.Spec with { Taints = cleared.Count > 0 ? cleared : null } }, statusOnly: false, ct).ConfigureAwait(false);
        LogReachable(_logger, node.Metadata.Name!);
        return node;
    }

    /// <summary>Kubernetes' MarkPodsNotReady: nobody is probing these pods any more, so nobody may route to them.</summary>
    private async Task MarkPodsNotReadyAsync(Node node, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var pod in _pods.ByIndex(PodsByNode, node.Metadata.Name!))
        {
            if (PodConditions.Find(pod, "Ready") is not { Status: "True" })
                continue;
            var status = pod.Status!;
            var notReady = pod with { Status = status with { Conditions = PodConditions.Set(status.Conditions, new PodCondition { Type = "Ready", Status = "False" }, now) } };
            try
            {
                await _objects.UpdateAsync(ResourceTypes.Pods, notReady, statusOnly: true, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code is 404 or 409)
            {
                // Gone or changed: the next pass looks again.
            }
        }
    }

    /// <summary>Deletes (at once, see the class remarks) the pods whose toleration of the NoExecute taint has run out.</summary>
    private async Task EvictAsync(Node node, Taint taint, CancellationToken ct)
    {
        var since = taint.TimeAdded ?? _time.GetUtcNow();
        var now = _time.GetUtcNow();
        foreach (var pod in _pods.ByIndex(PodsByNode, node.Metadata.Name!))
        {
            if (NodeUnreachable.EvictionDelay(pod, _evictionTimeout) is not { } delay || now < since + delay)
                continue;
            try
            {
                await _objects.DeleteAsync(ResourceTypes.Pods, pod.Metadata.Namespace, pod.Metadata.Name!, gracePeriodSeconds: 0, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code == 404)
            {
                continue;
            }
            LogEvicted(_logger, Informer.KeyOf(pod), node.Metadata.Name!);
            _events.Normal(ResourceTypes.Pods, pod, "TaintManagerEviction", $"Marking for deletion Pod {Informer.KeyOf(pod)}");
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Node {Node} has not been seen for over {GraceSeconds} s: marked Unknown and tainted unreachable")]
    private static partial void LogUnreachable(ILogger logger, string node, double graceSeconds);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Node {Node} is heartbeating again: unreachable taints removed")]
    private static partial void LogReachable(ILogger logger, string node);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Evicted pod {Pod} from unreachable node {Node}")]
    private static partial void LogEvicted(ILogger logger, string pod, string node);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "All {Nodes} nodes are silent: treating it as droverd's own network trouble (full disruption), no pod is evicted meanwhile")]
    private static partial void LogFullDisruption(ILogger logger, int nodes);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Nodes are heard from again: full disruption over, evictions resume")]
    private static partial void LogDisruptionOver(ILogger logger);

    [LoggerMessage(EventId = 603, Level = LogLevel.Error, Message = "Checking node {Node} failed; will retry")]
    private static partial void LogNodeFailed(ILogger logger, Exception exception, string node);
}
