using Drover.Api;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.PodGarbageCollection;

/// <summary>
/// Kubernetes' pod garbage collector (pkg/controller/podgc), on the leader. Every pass over the informer caches it
/// force-deletes (grace 0, after marking a live pod Failed, so its owner counts it as failed and nobody sees it Running
/// forever):
/// <list type="bullet">
/// <item>orphans: pods bound to a node that no longer exists. No agent is left to finish them, so a graceful deletion
/// would stay Terminating for ever. A node missing from the cache is quarantined first (40 s, as Kubernetes) and then
/// confirmed gone by a read of the store, so a lagging cache or a node deleted and joined again keeps its pods;</item>
/// <item>the oldest terminated pods (Succeeded or Failed) over <c>--terminated-pod-gc-threshold</c>, evicted ones first;</item>
/// <item>terminating pods on a node that is not Ready and carries the <c>node.kubernetes.io/out-of-service</c> taint
/// (the administrator's word that the node is shut down).</item>
/// </list>
/// Kubernetes' fourth case, terminating pods bound to no node, cannot arise here: such a pod is deleted with grace 0
/// (<see cref="Registry.Strategies.PodStrategy"/>), which leaves nothing to force.
/// Each deletion is logged with the pod's name and counted in <see cref="PodGcMetrics"/>.
/// </summary>
internal sealed partial class PodGarbageCollector : BackgroundService
{
    /// <summary>Kubernetes' gcCheckPeriod: how often a pass runs, unless the quarantine is shorter (tests).</summary>
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(20);

    private readonly Informer<Node> _nodes;
    private readonly Informer<Pod> _pods;
    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PodGcMetrics _metrics;
    private readonly TimeSpan _quarantine;
    private readonly int _terminatedThreshold;
    private readonly TimeSpan _period;

    /// <summary>Node names pods are bound to that the cache lacks, and since when (this replica's clock). Only the pass loop touches it.</summary>
    private readonly Dictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);

    public PodGarbageCollector(SharedInformers informers, ObjectService objects, PodGcMetrics metrics, ServerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _objects = objects;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger<PodGarbageCollector>();
        _quarantine = options.PodGcOrphanQuarantine;
        _terminatedThreshold = options.TerminatedPodGcThreshold;
        // At least two passes per quarantine, so an orphan goes within 1.5 quarantines of its node's deletion.
        _period = TimeSpan.FromTicks(Math.Clamp(_quarantine.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks, CheckPeriod.Ticks));
        _nodes = informers.For(ResourceTypes.Nodes);
        _pods = informers.For(ResourceTypes.Pods);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(_nodes.Synced, _pods.Synced).WaitAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(_period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CollectAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
                {
                    LogPassFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass, in Kubernetes' order: terminated over the threshold, out-of-service, orphans.</summary>
    internal async Task CollectAsync(CancellationToken ct)
    {
        var pods = _pods.List();
        foreach (var pod in PodGcSelection.TerminatedOverThreshold(pods, _terminatedThreshold))
            await ForceDeleteAsync(pod, PodGcMetrics.Terminated, condition: null, ct).ConfigureAwait(false);
        foreach (var pod in PodGcSelection.TerminatingOutOfService(pods, name => _nodes.Get(null, name)))
            await ForceDeleteAsync(pod, PodGcMetrics.OutOfService, condition: null, ct).ConfigureAwait(false);
        var gone = await DeletedNodesAsync(pods, ct).ConfigureAwait(false);
        foreach (var pod in pods)
        {
            if (pod.Spec.NodeName is { Length: > 0 } nodeName && gone.Contains(nodeName))
                await ForceDeleteAsync(pod, PodGcMetrics.Orphaned, OrphanCondition, ct).ConfigureAwait(false);
        }
    }

    /// <summary>What an orphan's status says before it goes (Kubernetes' DisruptionTarget condition).</summary>
    private static readonly PodCondition OrphanCondition = new()
    {
        Type = "DisruptionTarget",
        Status = "True",
        Reason = "DeletionByPodGC",
        Message = "PodGC: node no longer exists",
    };

    /// <summary>
    /// The node names whose quarantine is over and whose absence the store confirms. A name back in the cache, or no
    /// longer referenced by any pod, leaves quarantine; a name the store still holds starts a new one on the next pass.
    /// </summary>
    private async Task<HashSet<string>> DeletedNodesAsync(List<Pod> pods, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var missing = PodGcSelection.MissingNodes(pods, name => _nodes.Get(null, name) is not null);
        foreach (var name in _missingSince.Keys.Where(name => !missing.Contains(name)).ToList())
            _missingSince.Remove(name);
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in missing)
        {
            if (!_missingSince.TryGetValue(name, out var since))
            {
                _missingSince[name] = now;
                LogQuarantined(_logger, name, _quarantine.TotalSeconds);
                continue;
            }
            if (now - since < _quarantine)
                continue;
            if (await _objects.GetAsync(ResourceTypes.Nodes, null, name, ct).ConfigureAwait(false) is null)
                gone.Add(name);
            else
                _missingSince.Remove(name);
        }
        return gone;
    }

    /// <summary>
    /// Kubernetes' markFailedAndDeletePod: a pod not yet Succeeded or Failed is marked Failed (with
    /// <paramref name="condition"/>) first, then deleted with grace 0. A pod gone meanwhile is no error; any other failure
    /// is logged and counted, and the next pass tries again.
    /// </summary>
    private async Task ForceDeleteAsync(Pod pod, string reason, PodCondition? condition, CancellationToken ct)
    {
        // Forced already and held by a finalizer: nothing more to do, and nothing to count again.
        if (pod.Metadata is { DeletionTimestamp: not null, DeletionGracePeriodSeconds: 0 })
            return;
        var key = Informer.KeyOf(pod);
        var ns = pod.Metadata.Namespace ?? "";
        try
        {
            await StatusWriter.WriteAsync(_objects, ResourceTypes.Pods, pod, current => MarkedFailed(current, condition), ct).ConfigureAwait(false);
            await _objects.DeleteAsync(ResourceTypes.Pods, pod.Metadata.Namespace, pod.Metadata.Name!, gracePeriodSeconds: 0, ct).ConfigureAwait(false);
            LogDeleted(_logger, key, reason, pod.Spec.NodeName ?? "");
            _metrics.Deleted(ns, reason);
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            // Gone already: what this pass wanted.
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            LogDeleteFailed(_logger, e, key, reason);
            _metrics.Failed(ns, reason);
        }
    }

    private Pod? MarkedFailed(Pod pod, PodCondition? condition)
    {
        if (PodStates.IsTerminal(pod))
            return null;
        var status = pod.Status ?? new PodStatus();
        var conditions = condition is null ? status.Conditions : PodConditions.Set(status.Conditions, condition, _time.GetUtcNowSeconds());
        return pod with { Status = status with { Phase = PodPhases.Failed, Conditions = conditions } };
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Node {Node} is bound to pods but missing: quarantined for {QuarantineSeconds} s before its pods are collected")]
    private static partial void LogQuarantined(ILogger logger, string node, double quarantineSeconds);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "PodGC force-deleted pod {Pod} ({Reason}, node \"{Node}\")")]
    private static partial void LogDeleted(ILogger logger, string pod, string reason, string node);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "PodGC could not force-delete pod {Pod} ({Reason}); will retry")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string pod, string reason);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Error, Message = "PodGC pass failed; will retry")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
