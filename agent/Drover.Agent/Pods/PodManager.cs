using System.Collections.Concurrent;
using Drover.Agent.Checkpoint;
using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Agent.Pods.Execution;
using Drover.Agent.Pods.Observed;
using Drover.Agent.Pods.Reporting;
using Drover.Agent.Probes;
using Drover.Agent.Volumes;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods;

/// <summary>
/// Runs the pods bound to this node through CRI. Watches pods with fieldSelector spec.nodeName=NODE (list,
/// then watch from the list's revision; re-list after errors with back-off) and hands each pod to its
/// worker (one per pod UID). A relist of CRI every second notices containers that exited between syncs
/// (the kubelet's PLEG) and wakes their workers. Sandboxes of pods the API no longer binds here are
/// removed, but only after a successful list: an agent that cannot reach droverd keeps its pods running.
/// Every accepted pod is checkpointed on disk; when the first list fails (droverd unreachable, say after a
/// reboot with a dead uplink) the checkpointed pods are started from there, and the first list that
/// succeeds reconciles them: pods still bound go on with the same containers, the others are torn down.
/// </summary>
internal sealed partial class PodManager : IReflectorHandler<Pod>
{
    private readonly DroverClient _api;
    private readonly CriClient _cri;
    private readonly PodManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _orphanTeardowns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CriV1.ContainerState> _lastContainerStates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CriV1.PodSandboxState> _lastSandboxStates = new(StringComparer.Ordinal);
    private readonly PodCheckpoint? _checkpoint;
    private readonly ObjectCheckpoint? _objectCheckpoint;

    /// <summary>Orders checkpoint writes (watch loop) against the removal of finished workers (their own tasks).</summary>
    private readonly Lock _checkpointSync = new();
    private readonly ListRetrySignal _listRetry;
    private readonly IRelistListener? _relisted;
    private readonly ApiReachability _reachability = new();
    private readonly CriConfigFactory _configs;
    private readonly EventRecorder _events;
    private readonly ContainerInputsSource _inputs;
    /// <summary>Null with --config-change-detection Get: changes then wait for each pod's periodic sync.</summary>
    private readonly ReferencedObjectWatches? _objectWatches;

    /// <summary>Shared by every pod's probers and preStop hooks; disposed when <see cref="RunAsync"/> ends.</summary>
    private readonly ProbeRunner _probes;
    private volatile bool _listed;
    private bool _restored;
    private CancellationToken _stopping;
    private readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The deadline of a node shutdown in progress (UTC ticks), 0 when there is none: workers started meanwhile stop at once.</summary>
    private long _shutdownDeadlineTicks;

    /// <param name="relisted">Told about every turn of the CRI relist (the systemd watchdog is fed from it), or null.</param>
    /// <param name="listRetry">Raised when droverd answers again, to list at once instead of waiting out the back-off; null: <see cref="RetryNow"/> only.</param>
    public PodManager(DroverClient api, CriClient cri, PodManagerOptions options, TimeProvider time, ILoggerFactory loggers, IRelistListener? relisted = null, ListRetrySignal? listRetry = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeName);
        _api = api;
        _cri = cri;
        _options = options;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Drover.Agent.Pods.PodManager");
        _checkpoint = options.CheckpointDirectory is { Length: > 0 } directory
            ? new PodCheckpoint(directory, loggers.CreateLogger("Drover.Agent.Checkpoint.PodCheckpoint"))
            : null;
        _objectCheckpoint = options.ObjectCheckpointDirectory is { Length: > 0 } objects && options.CheckpointKeyPath is { Length: > 0 } key
            ? new ObjectCheckpoint(objects, key, options.CheckpointSecrets, loggers.CreateLogger("Drover.Agent.Checkpoint.ObjectCheckpoint"))
            : null;
        _relisted = relisted;
        _listRetry = listRetry ?? new ListRetrySignal();
        _configs = new CriConfigFactory(options, ResolvConf.Load(options.ResolvConfPath));
        _events = new EventRecorder(api, options, time, loggers.CreateLogger("Drover.Agent.Pods.EventRecorder"));
        _probes = new ProbeRunner(cri);
        _inputs = new ContainerInputsSource(
            new PodObjectReader(api, _objectCheckpoint),
            new VolumeManager(options.PodDirectoryRoot, NodeResources.OfThisHost(), time, loggers.CreateLogger("Drover.Agent.Volumes.VolumeManager")),
            NodeResources.OfThisHost(),
            options.NodeIp);
        _objectWatches = !options.WatchReferencedObjects ? null : new ReferencedObjectWatches(api, WakeWorker, options.WatchBackoffInitial, options.WatchBackoffMax, time, loggers.CreateLogger("Drover.Agent.Volumes.ReferencedObjectWatches"));
    }

    /// <summary>How often CRI is relisted to notice containers that exited or sandboxes that died.</summary>
    public TimeSpan RelistInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long CRI relists wait at most after failures (containerd restarting): the time to notice it is back.</summary>
    public TimeSpan RelistBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Completes once the pods bound here have been handed to their workers the first time — from droverd's
    /// list, or from the checkpoint when droverd does not answer (an offline start is a start too: systemd
    /// would otherwise kill an agent that is doing its job).
    /// </summary>
    public Task FirstSync => _firstSync.Task;

    /// <summary>The container images (init containers too) of the pods this node runs, as their specs name them.</summary>
    public IReadOnlyCollection<string> PodImages() =>
        [.. _workers.Values.SelectMany(e => (e.Worker.Desired.Spec?.InitContainers ?? []).Concat(e.Worker.Desired.Spec?.Containers ?? []))
            .Select(c => c.Image).OfType<string>().Where(i => i.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>Forgets the checkpointed ConfigMaps and Secrets no pod of this node references any more.</summary>
    private void PruneObjectCheckpoint()
    {
        if (_objectCheckpoint is null)
            return;
        var referenced = _workers.Values
            .Select(e => e.Worker.Desired)
            .SelectMany(p => PodReferences.Of(p.Spec ?? new PodSpec()).Select(r => (Kind: r.Type == ResourceTypes.Secrets ? "secret" : "configmap", Ns: p.Metadata.Namespace ?? "default", r.Name)))
            .ToHashSet();
        _objectCheckpoint.Prune((kind, ns, name) => referenced.Contains((kind, ns, name)));
    }

    /// <summary>Records an Event about this Node.</summary>
    public void RecordNodeEvent(string type, string reason, string message) => _events.RecordNode(type, reason, message);

    /// <summary>The UIDs of the pods that have a worker (for the node's status and tests).</summary>
    public IReadOnlyCollection<string> PodUids => [.. _workers.Keys];

    /// <summary>droverd answers again (the heartbeat got through): list now instead of waiting out the back-off.</summary>
    public void RetryNow() => _listRetry.Raise();

    /// <summary>Runs until <paramref name="ct"/> is cancelled; the pods keep running afterwards (a new agent adopts them).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _stopping = ct;
        using var probes = _probes;
        using var objectWatches = _objectWatches;
        LogStarting(_options.NodeName);
        // Before any pod starts from the checkpoint: Secrets an earlier run kept go when --checkpoint-secrets is off.
        _objectCheckpoint?.RemoveSecrets();
        var events = _events.RunAsync(ct);
        var relist = RelistLoopAsync(ct);
        try
        {
            await WatchLoopAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await relist.ConfigureAwait(false);
            await events.ConfigureAwait(false);
            var running = _workers.Values.Select(w => w.Task).Concat(_orphanTeardowns.Values).ToList();
            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            LogStopped(_options.NodeName, running.Count);
        }
    }

    private string FieldSelector => "spec.nodeName=" + _options.NodeName;

    /// <summary>The pods bound here, through the client toolkit's reflector (list, watch, 410 → relist, jittered backoff).</summary>
    private Task WatchLoopAsync(CancellationToken ct) =>
        new Reflector<Pod>(_api, ResourceTypes.Pods, this, new ReflectorOptions<Pod>
        {
            FieldSelector = FieldSelector,
            BackoffInitial = _options.WatchBackoffInitial,
            BackoffMax = _options.WatchBackoffMax,
            Time = _time,
            List = ListOrRestoreAsync,
            // droverd answers again (the heartbeat got through): list at once instead of waiting out the backoff.
            Wait = (delay, token) => _listRetry.WaitAsync(delay, _time, token),
        }).RunAsync(ct);

    async Task IReflectorHandler<Pod>.ListedAsync(ListPage<Pod> page, CancellationToken ct)
    {
        // Before the dispatch below wakes the workers, so that they write their statuses at once.
        _reachability.Set(true);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in page.Items)
        {
            if (pod.Metadata.Uid is { } uid)
            {
                seen.Add(uid);
            }

            Dispatch(pod);
        }

        var gone = 0;
        foreach (var (uid, entry) in _workers)
        {
            if (!seen.Contains(uid))
            {
                entry.Worker.MarkGone();
                gone++;
            }
        }

        if (_restored && !_listed)
        {
            LogReconciled(seen.Count, gone);
        }

        _listed = true;
        _firstSync.TrySetResult();
        LogListed(page.Items.Count, page.ResourceVersion);
        // Pods that went while the agent was down have no worker: their files go (their sandboxes go below).
        _checkpoint?.Prune(_workers.ContainsKey);
        PruneObjectCheckpoint();
        await CleanUpOrphansAsync(ct).ConfigureAwait(false);
    }

    void IReflectorHandler<Pod>.Changed(string type, Pod pod)
    {
        if (type == WatchEventTypes.Deleted)
        {
            Gone(pod);
        }
        else
        {
            Dispatch(pod);
        }
    }

    void IReflectorHandler<Pod>.WatchError(Status? error) => LogWatchError(error?.Code ?? 0, error?.Message);

    void IReflectorHandler<Pod>.Failed(Exception error, TimeSpan retryIn)
    {
        _reachability.Set(false);
        LogWatchFailed(error.Message, retryIn);
    }

    /// <summary>
    /// Lists the pods bound here. Until a list has succeeded once, a list that fails — or hangs, as on a dead
    /// uplink — starts the checkpointed pods first; that happens before the list's answer is dispatched, so
    /// the answer (newer) always wins over the checkpoint.
    /// </summary>
    private async Task<ListPage<Pod>> ListOrRestoreAsync(CancellationToken ct)
    {
        var list = _api.ListAsync(ResourceTypes.Pods, null, fieldSelector: FieldSelector, ct: ct);
        if (_listed || _restored || _checkpoint is null)
        {
            return await list.ConfigureAwait(false);
        }

        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var delay = Task.Delay(_options.CheckpointRestoreDelay, _time, wait.Token);
            var first = await Task.WhenAny(list, delay).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            if (!ct.IsCancellationRequested && (first != list || !list.IsCompletedSuccessfully))
            {
                RestoreFromCheckpoint(first == list ? list.Exception?.InnerException?.Message ?? "the list failed" : $"no answer within {_options.CheckpointRestoreDelay}");
            }
        }

        return await list.ConfigureAwait(false);
    }

    private void RestoreFromCheckpoint(string why)
    {
        _restored = true;
        var pods = _checkpoint!.Load();
        LogRestoring(pods.Count, why);
        foreach (var pod in pods)
        {
            if (pod.Metadata.Uid is { Length: > 0 } uid && string.Equals(pod.Spec.NodeName, _options.NodeName, StringComparison.Ordinal))
            {
                _workers.GetOrAdd(uid, static (_, state) => state.Self.StartWorker(state.Pod, fromCheckpoint: true), (Self: this, Pod: pod));
            }
        }

        _firstSync.TrySetResult();
    }

    private void Dispatch(Pod pod)
    {
        if (pod.Metadata.Uid is not { Length: > 0 } uid)
        {
            return;
        }

        if (!string.Equals(pod.Spec.NodeName, _options.NodeName, StringComparison.Ordinal))
        {
            Gone(pod);
            return;
        }

        var entry = _workers.GetOrAdd(uid, static (_, state) => state.Self.StartWorker(state.Pod, fromCheckpoint: false), (Self: this, Pod: pod));
        entry.Worker.Update(pod);
        lock (_checkpointSync)
        {
            // A worker that finished meanwhile has removed its file and forgotten its watches; writing the one again
            // would resurrect the pod offline, and the others would outlive it.
            if (_workers.TryGetValue(uid, out var current) && ReferenceEquals(current, entry) && !entry.Worker.Finished)
            {
                _checkpoint?.Save(pod);
                _objectWatches?.Track(uid, pod);
            }
        }
    }

    private void Gone(Pod pod)
    {
        if (pod.Metadata.Uid is { } uid && _workers.TryGetValue(uid, out var entry))
        {
            entry.Worker.Update(pod);
            entry.Worker.MarkGone();
        }
    }

    private WorkerEntry StartWorker(Pod pod, bool fromCheckpoint)
    {
        var worker = NewWorker(pod, fromCheckpoint);
        if (Interlocked.Read(ref _shutdownDeadlineTicks) is > 0 and var deadline)
        {
            // Bound while the node drains (the watch goes on): it must not start anything.
            _ = worker.BeginShutdown(new DateTimeOffset(deadline, TimeSpan.Zero));
        }

        _objectWatches?.Track(worker.Uid, pod);
        var entry = new WorkerEntry(worker, RunWorkerAsync(worker));
        LogWorkerStarted(CriConfigFactory.Namespace(pod), pod.Metadata.Name, worker.Uid, fromCheckpoint);
        return entry;
    }

    /// <summary>A pod's worker and its parts: observer, executor (with its image puller) and status manager.</summary>
    private PodWorker NewWorker(Pod pod, bool fromCheckpoint)
    {
        var uid = CriConfigFactory.Uid(pod);
        var logger = _loggers.CreateLogger("Drover.Agent.Pods.PodWorker");
        var observer = new PodObserver(uid, _cri);
        var images = new ImagePuller(_cri, _events, _options, _time, logger);
        var executor = new PodActionsExecutor(uid, _cri, _configs, observer, images, _probes, _events, _inputs.Volumes, _options, _time, logger);
        var status = new PodStatusManager(pod, _api, _reachability, _options, logger, confirmed: !fromCheckpoint);
        return new PodWorker(pod, observer, executor, status, _probes, _events, _inputs, _options, _time, logger);
    }

    private async Task RunWorkerAsync(PodWorker worker)
    {
        // Off the watch loop's thread: the first sync (image pull, sandbox) may take long.
        await Task.Yield();
        try
        {
            await worker.RunAsync(_stopping).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogWorkerCrashed(e, worker.Uid);
        }
        finally
        {
            lock (_checkpointSync)
            {
                if (worker.Finished)
                {
                    // Torn down for good: a reboot must not bring it back.
                    _checkpoint?.Remove(worker.Uid);
                }

                if (!_stopping.IsCancellationRequested && _workers.TryGetValue(worker.Uid, out var entry) && ReferenceEquals(entry.Worker, worker))
                {
                    _workers.TryRemove(new KeyValuePair<string, WorkerEntry>(worker.Uid, entry));
                    _objectWatches?.Forget(worker.Uid);
                }
            }
        }
    }

    /// <summary>A ConfigMap or Secret the pod references changed (<see cref="ReferencedObjectWatches"/>): its next sync refreshes the volumes.</summary>
    private void WakeWorker(string uid)
    {
        if (_workers.TryGetValue(uid, out var entry))
        {
            entry.Worker.Wake();
        }
    }

    /// <summary>
    /// The kubelet's PLEG in its simplest form: list, diff against the last list, wake the pods that changed.
    /// While CRI does not answer (containerd restarting) the relists back off up to <see cref="RelistBackoffMax"/>
    /// and nothing is torn down: the containers run on under their shims. The first relist that works again
    /// wakes every worker, so each re-reads its pod and reports at once.
    /// </summary>
    private async Task RelistLoopAsync(CancellationToken ct)
    {
        var managed = new Dictionary<string, string> { [PodLabels.ManagedBy] = PodLabels.ManagedByValue };
        var primed = false;
        var delay = RelistInterval;
        // After a failure the relists wait longer, up to RelistBackoffMax (jittered, as every retry of the project).
        var backoff = new Backoff(TimeSpan.FromTicks(Math.Min(RelistInterval.Ticks * 2, RelistBackoffMax.Ticks)), TimeSpan.FromTicks(Math.Max(RelistInterval.Ticks, RelistBackoffMax.Ticks)));
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                UpdatePodsByPhase();
                var containers = await _cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { managed } }, ct).ConfigureAwait(false);
                var sandboxes = await _cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { managed } }, ct).ConfigureAwait(false);
                var changed = new HashSet<string>(StringComparer.Ordinal);
                Diff(_lastContainerStates, containers.Select(c => (c.Id, c.State, c.Labels.GetValueOrDefault(PodLabels.PodUid))), primed, changed);
                Diff(_lastSandboxStates, sandboxes.Select(s => (s.Id, s.State, s.Labels.GetValueOrDefault(PodLabels.PodUid))), primed, changed);
                primed = true;
                _relisted?.Relisted(_workers.Count, true);
                if (failures > 0)
                {
                    LogRelistRecovered(failures);
                    failures = 0;
                    delay = RelistInterval;
                    backoff.Reset();
                    foreach (var entry in _workers.Values)
                    {
                        entry.Worker.Wake();
                    }
                }

                foreach (var uid in changed)
                {
                    if (_workers.TryGetValue(uid, out var entry))
                    {
                        entry.Worker.Wake();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _relisted?.Relisted(_workers.Count, false);
                // One line for the first failure and every tenth: an outage must not flood a small disk with logs.
                if (failures++ % 10 == 0)
                {
                    LogRelistFailed(failures, e.Message);
                }

                delay = backoff.Next();
            }
        }
    }

    /// <summary>drover_agent_pods{phase}: every phase is set (0 included) so the series never vanish.</summary>
    private void UpdatePodsByPhase()
    {
        int pending = 0, running = 0, succeeded = 0, failed = 0, unknown = 0;
        foreach (var entry in _workers.Values)
        {
            switch (entry.Worker.Phase)
            {
                case PodPhases.Pending: pending++; break;
                case PodPhases.Running: running++; break;
                case PodPhases.Succeeded: succeeded++; break;
                case PodPhases.Failed: failed++; break;
                default: unknown++; break;
            }
        }

        AgentMetrics.PodsPending.Set(pending);
        AgentMetrics.PodsRunning.Set(running);
        AgentMetrics.PodsSucceeded.Set(succeeded);
        AgentMetrics.PodsFailed.Set(failed);
        AgentMetrics.PodsUnknown.Set(unknown);
    }

    private static void Diff<TState>(Dictionary<string, TState> last, IEnumerable<(string Id, TState State, string? Uid)> current, bool primed, HashSet<string> changedUids)
        where TState : struct, Enum
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, state, uid) in current)
        {
            seen.Add(id);
            if (uid is null)
            {
                continue;
            }

            if (!last.TryGetValue(id, out var before) || !EqualityComparer<TState>.Default.Equals(before, state))
            {
                // New (a container that ran and died between two relists is new and exited) or changed; the
                // first relist only learns what is there.
                if (primed)
                {
                    changedUids.Add(uid);
                }

                last[id] = state;
            }
        }

        foreach (var id in last.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            last.Remove(id);
        }
    }

    /// <summary>Sandboxes this agent made for pods it no longer has: stopped and removed in the background.</summary>
    private async Task CleanUpOrphansAsync(CancellationToken ct)
    {
        if (!_listed)
        {
            return;
        }

        var sandboxes = await _cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { [PodLabels.ManagedBy] = PodLabels.ManagedByValue } }, ct).ConfigureAwait(false);
        foreach (var group in sandboxes.GroupBy(s => s.Labels.GetValueOrDefault(PodLabels.PodUid) ?? ""))
        {
            var uid = group.Key;
            if (uid.Length == 0 || _workers.ContainsKey(uid) || _orphanTeardowns.ContainsKey(uid))
            {
                continue;
            }

            var ids = group.Select(s => s.Id).ToList();
            var task = Task.Run(() => RemoveOrphanAsync(uid, ids, ct), CancellationToken.None);
            if (_orphanTeardowns.TryAdd(uid, task))
            {
                _ = task.ContinueWith(_ => _orphanTeardowns.TryRemove(uid, out var _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        // Volumes of pods that went while the agent was down and left no sandbox (or whose sandbox went before them).
        var withSandbox = sandboxes.Select(s => s.Labels.GetValueOrDefault(PodLabels.PodUid) ?? "").ToHashSet(StringComparer.Ordinal);
        foreach (var uid in _inputs.Volumes.PodUids())
        {
            if (!_workers.ContainsKey(uid) && !_orphanTeardowns.ContainsKey(uid) && !withSandbox.Contains(uid))
            {
                _inputs.Volumes.TearDown(uid);
            }
        }
    }

    private async Task RemoveOrphanAsync(string uid, List<string> sandboxIds, CancellationToken ct)
    {
        try
        {
            LogOrphan(uid, sandboxIds.Count);
            var containers = await _cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = uid } }, ct).ConfigureAwait(false);
            await Task.WhenAll(containers.Where(c => c.State == CriV1.ContainerState.ContainerRunning)
                .Select(c => _cri.StopContainerAsync(c.Id, OrphanGrace(c), ct))).ConfigureAwait(false);
            foreach (var c in containers)
            {
                await _cri.RemoveContainerAsync(c.Id, ct).ConfigureAwait(false);
            }

            foreach (var id in sandboxIds)
            {
                await _cri.StopPodSandboxAsync(id, ct).ConfigureAwait(false);
                await _cri.RemovePodSandboxAsync(id, ct).ConfigureAwait(false);
            }

            PodCleanup.RemoveCgroups(_options.CgroupMountRoot, _configs.CgroupParent(uid));
            _inputs.Volumes.TearDown(uid);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogOrphanFailed(uid, e.Message);
        }
    }

    private TimeSpan OrphanGrace(CriV1.Container container) =>
        container.Annotations.TryGetValue(PodLabels.TerminationGracePeriodAnnotation, out var text)
        && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : _options.OrphanGracePeriod;

    /// <summary>
    /// The node is shutting down: every pod stops within its grace period but no later than
    /// <paramref name="deadline"/>, is reported Failed, and nothing starts until <see cref="CancelShutdown"/>.
    /// Returns the number of pods stopped, once all are (or <paramref name="ct"/> ends the wait).
    /// </summary>
    public async Task<int> ShutDownPodsAsync(DateTimeOffset deadline, CancellationToken ct)
    {
        Interlocked.Exchange(ref _shutdownDeadlineTicks, deadline.UtcTicks);
        var stopping = _workers.Values.Select(e => e.Worker.BeginShutdown(deadline)).ToList();
        LogShuttingDown(stopping.Count, deadline);
        await Task.WhenAll(stopping).WaitAsync(ct).ConfigureAwait(false);
        return stopping.Count;
    }

    /// <summary>The shutdown was called off: pods not stopped yet run on; those stopped stay Failed and their owners replace them.</summary>
    public void CancelShutdown()
    {
        Interlocked.Exchange(ref _shutdownDeadlineTicks, 0);
        foreach (var entry in _workers.Values)
        {
            entry.Worker.CancelShutdown();
        }
    }

    private sealed record WorkerEntry(PodWorker Worker, Task Task);
}
