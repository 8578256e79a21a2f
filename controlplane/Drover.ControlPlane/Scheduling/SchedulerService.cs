using System.Diagnostics;
using System.Threading.Channels;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Controllers;
using Drover.ControlPlane.Controllers.Framework;
using Drover.Scheduling;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane.Scheduling;

/// <summary>
/// droverd's scheduling loop around the pure <see cref="Scheduler"/>: informers on nodes and pods feed one
/// <see cref="ClusterSnapshot"/>, pending pods are decided one at a time in arrival order, and each placement
/// is assumed on the snapshot at once and bound in the background, so the next decision already counts it
/// while up to <see cref="MaxBindsInFlight"/> bindings share the store's group commits. Everything that
/// touches the snapshot or the queue runs on this one loop; the rest of droverd talks to it through a channel.
/// </summary>
internal sealed partial class SchedulerService : BackgroundService
{
    /// <summary>The name pods ask for (or get by default) in <c>spec.schedulerName</c>.</summary>
    public const string SchedulerName = "default-scheduler";

    /// <summary>Enough to fill the store's largest group commit (256) without flooding it.</summary>
    private const int MaxBindsInFlight = 256;

    /// <summary>Decisions between two looks at the inputs, so the snapshot never lags far behind the store.</summary>
    private const int DecisionsPerBatch = 64;

    /// <summary>At most this many PodScheduled=False writes at once; a burst of hopeless pods queues behind them.</summary>
    private const int MaxStatusWrites = 32;

    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly PodBinder _binder;
    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SchedulerMetrics _metrics;
    private readonly EventRecorder _events;
    private readonly Channel<SchedulerInput> _inputs = Channel.CreateUnbounded<SchedulerInput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ClusterSnapshot _snapshot = new();
    private readonly Scheduler _scheduler;
    private readonly SchedulingQueue _queue = new();
    private readonly SemaphoreSlim _statusWrites = new(MaxStatusWrites);

    /// <summary>
    /// Pods this loop bound, by uid, with the revision of the binding, until the informer shows them bound:
    /// an older (unbound) version still on its way through the informer must not queue the pod again.
    /// </summary>
    private readonly Dictionary<string, long> _bound = new(StringComparer.Ordinal);

    private int _inFlight;
    private bool _clusterChanged;
    private bool _podFreed;
    private int _tickQueued;
    private CancellationToken _stopping;

    public SchedulerService(SharedInformers informers, PodBinder binder, ObjectService objects, SchedulerMetrics metrics, EventWriter events, ServerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(binder);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _binder = binder;
        _objects = objects;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger<SchedulerService>();
        _events = events.ForComponent(SchedulerName);
        _scheduler = new Scheduler(options.SchedulerSeed is { } seed ? new Random(seed) : new Random());
        // Handlers before the informers start, so the initial lists arrive as adds (SharedInformers' contract).
        _pods = informers.For(ResourceTypes.Pods);
        _nodes = informers.For(ResourceTypes.Nodes);
        _pods.AddHandler(change => _inputs.Writer.TryWrite(new PodChanged(change)));
        _nodes.AddHandler(change => _inputs.Writer.TryWrite(new NodeChanged(change)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await Task.WhenAll(_pods.Synced, _nodes.Synced).WaitAsync(stoppingToken).ConfigureAwait(false);
        using (_time.CreateTimer(_ => Tick(), null, TickInterval, TickInterval))
        {
            try
            {
                await RunLoopAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    private void Tick()
    {
        // One tick waiting is enough: a slow loop must not find a pile of them.
        if (Interlocked.Exchange(ref _tickQueued, 1) == 0)
            _inputs.Writer.TryWrite(SchedulerTick.Instance);
    }

    private async Task RunLoopAsync(CancellationToken ct)
    {
        var reader = _inputs.Reader;
        Drain(reader);
        LogStarted(_logger, _snapshot.NodeIds.Length, _queue.Count);
        while (!ct.IsCancellationRequested)
        {
            Drain(reader);
            var now = _time.GetUtcNow();
            if (_clusterChanged || _podFreed)
            {
                _queue.WakeUnschedulable(now, resourcesOnly: !_clusterChanged);
                _clusterChanged = _podFreed = false;
            }
            var decided = ScheduleBatch(now);
            if (decided == DecisionsPerBatch)
            {
                // More to do: let the bindings' continuations and the informers run, then go on.
                await Task.Yield();
                continue;
            }
            _metrics.Pending(_queue.ActiveCount, _queue.UnschedulableCount, _queue.Count);
            await reader.WaitToReadAsync(ct).ConfigureAwait(false);
        }
    }

    private void Drain(ChannelReader<SchedulerInput> reader)
    {
        while (reader.TryRead(out var input))
        {
            try
            {
                Apply(input);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One bad object must not stop scheduling for everyone.
                LogInputFailed(_logger, e, input.GetType().Name);
            }
        }
    }

    private void Apply(SchedulerInput input)
    {
        switch (input)
        {
            case PodChanged pod:
                OnPod(pod.Change);
                break;
            case NodeChanged node:
                OnNode(node.Change);
                break;
            case BindFinished finished:
                OnBindFinished(finished);
                break;
            case SchedulerTick:
                Volatile.Write(ref _tickQueued, 0);
                _queue.FlushLongParked(_time.GetUtcNow());
                break;
        }
    }

    private void OnNode(ObjectChange<Node> change)
    {
        if (change.New is not { } node)
        {
            _snapshot.RemoveNode(change.Old!.Metadata.Name!);
            return;
        }
        _snapshot.UpsertNode(node);
        if (NodeChanges.CouldHelp(change.Old as Node, node))
            _clusterChanged = true;
    }

    private void OnPod(ObjectChange<Pod> change)
    {
        var key = Informer.KeyOf(change.Latest);
        if (change.New is not { } pod)
        {
            var gone = change.Old!;
            _queue.Remove(key);
            if (gone.Metadata.Uid is { } uid)
                _bound.Remove(uid);
            // A pod that held requests on a node leaves room behind.
            if (_snapshot.RemovePod(gone))
                _podFreed = true;
            return;
        }

        var snapshotKey = PodInfo.KeyOf(pod);
        if (!string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            _queue.Remove(key);
            _bound.Remove(snapshotKey);
            if (pod.Status?.Phase is PodPhases.Succeeded or PodPhases.Failed)
            {
                if (_snapshot.Forget(snapshotKey))
                    _podFreed = true;
            }
            else if (_snapshot.NodeNameOf(snapshotKey) != pod.Spec.NodeName)
            {
                // Requests cannot change once bound, so a pod already counted on its node needs nothing.
                _snapshot.UpsertPod(pod);
            }
            return;
        }

        if (_bound.TryGetValue(snapshotKey, out var boundAt) && ResourceVersions.Of(pod) < boundAt)
            return;
        if (!IsPending(pod))
        {
            _queue.Remove(key);
            return;
        }
        _queue.AddOrUpdate(key, pod, _time.GetUtcNow());
    }

    /// <summary>Unbound, not going away, not finished, and ours to place.</summary>
    private static bool IsPending(Pod pod) =>
        pod.Metadata.DeletionTimestamp is null
        && pod.Status?.Phase is not ("Succeeded" or "Failed")
        && (string.IsNullOrEmpty(pod.Spec.SchedulerName) || pod.Spec.SchedulerName == SchedulerName);

    /// <summary>Decides up to <see cref="DecisionsPerBatch"/> pods; returns how many it decided.</summary>
    private int ScheduleBatch(DateTimeOffset now)
    {
        var decided = 0;
        while (decided < DecisionsPerBatch && _inFlight < MaxBindsInFlight && _queue.TryPop(now, out var queued))
        {
            decided++;
            try
            {
                ScheduleOne(queued, now);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogScheduleFailed(_logger, e, queued.Key);
                _metrics.Error();
                _queue.Retry(queued);
            }
        }
        return decided;
    }

    private void ScheduleOne(QueuedPod queued, DateTimeOffset now)
    {
        var info = PodInfo.From(queued.Pod);
        var started = Stopwatch.GetTimestamp();
        var decision = _scheduler.Decide(_snapshot, info);
        _metrics.Decision(Stopwatch.GetElapsedTime(started));
        switch (decision)
        {
            case Placement placement:
                // Counted before the write, so the next decision sees this pod's requests (AssumePod).
                _snapshot.Assume(info, placement.NodeName);
                _inFlight++;
                _ = BindAsync(queued, info, placement.NodeName);
                break;
            case Unschedulable unschedulable:
                _metrics.Unschedulable();
                _queue.Park(queued, now, unschedulable.RejectingFilters.Contains(Unschedulable.NodeResourcesFit));
                ReportUnschedulable(queued.Pod, unschedulable);
                break;
        }
    }

    private async Task BindAsync(QueuedPod queued, PodInfo info, string nodeName)
    {
        var pod = queued.Pod;
        long revision = 0;
        Exception? error = null;
        try
        {
            var bound = await _binder.BindAsync(pod.Metadata.Namespace!, pod.Metadata.Name!, nodeName, pod.Metadata.Uid, pod, _stopping).ConfigureAwait(false);
            revision = ResourceVersions.Of(bound);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e;
        }
        _inputs.Writer.TryWrite(new BindFinished(queued, info, nodeName, revision, error));
    }

    private void OnBindFinished(BindFinished finished)
    {
        _inFlight--;
        var queued = finished.Pod;
        var stillQueued = ReferenceEquals(_queue.Find(queued.Key), queued);
        if (finished.Error is null)
        {
            // Not queued any more means the informer already showed a newer state: no stale version can follow.
            if (stillQueued)
            {
                _queue.Remove(queued.Key);
                if (queued.Uid is { } uid)
                    _bound[uid] = finished.Revision;
            }
            var now = _time.GetUtcNow();
            _metrics.Scheduled(now - queued.QueuedAt);
            _events.Normal(ResourceTypes.Pods, queued.Pod, "Scheduled", $"Successfully assigned {queued.Key} to {finished.NodeName}");
            return;
        }

        _metrics.Error();
        // Undo the assumption unless the informer has meanwhile shown the pod bound or gone (then the snapshot
        // already holds the truth and the queue has let the pod go).
        if (!stillQueued)
            return;
        // The room it held may be what a parked pod was waiting for.
        if (_snapshot.NodeNameOf(finished.Info.Key) == finished.NodeName && _snapshot.Forget(finished.Info.Key))
            _podFreed = true;
        if (finished.Error is ApiException { Status.Code: 404 })
        {
            _queue.Remove(queued.Key);
            return;
        }
        LogBindFailed(_logger, queued.Key, finished.NodeName, finished.Error.Message);
        _queue.Retry(queued);
    }

    /// <summary>PodScheduled=False with the scheduler's message (only when it says something new) and a FailedScheduling event.</summary>
    private void ReportUnschedulable(Pod pod, Unschedulable decision)
    {
        _events.Warning(ResourceTypes.Pods, pod, Unschedulable.EventReason, decision.Message);
        if (PodConditions.Find(pod, PodConditions.PodScheduled) is { Status: "False", Reason: Unschedulable.ConditionReason } current && current.Message == decision.Message)
            return;
        var status = pod.Status ?? new PodStatus { Phase = PodPhases.Pending };
        var condition = new PodCondition { Type = PodConditions.PodScheduled, Status = "False", Reason = Unschedulable.ConditionReason, Message = decision.Message };
        var updated = pod with { Status = status with { Conditions = PodConditions.Set(status.Conditions, condition, _time.GetUtcNowSeconds()) } };
        _ = WriteStatusAsync(updated);
    }

    private async Task WriteStatusAsync(Pod updated)
    {
        await _statusWrites.WaitAsync(_stopping).ConfigureAwait(false);
        try
        {
            await _objects.UpdateAsync(ResourceTypes.Pods, updated, statusOnly: true, _stopping).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Status.Code is 404 or 409)
        {
            // Gone, or changed meanwhile (perhaps bound): the next attempt writes from the newer pod if still needed.
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogStatusFailed(_logger, e, Informer.KeyOf(updated));
        }
        finally
        {
            _statusWrites.Release();
        }
    }

    public override void Dispose()
    {
        _statusWrites.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Scheduler started: {Nodes} nodes, {Pending} pending pods")]
    private static partial void LogStarted(ILogger logger, int nodes, int pending);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Scheduler could not apply a {Input}")]
    private static partial void LogInputFailed(ILogger logger, Exception exception, string input);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Scheduling {Pod} failed; will retry")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, string pod);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Binding {Pod} to {Node} failed: {Reason}; will retry")]
    private static partial void LogBindFailed(ILogger logger, string pod, string node, string reason);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Writing PodScheduled=False on {Pod} failed")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception, string pod);
}
