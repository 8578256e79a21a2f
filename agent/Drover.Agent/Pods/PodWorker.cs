using System.Collections.Concurrent;
using System.Diagnostics;
using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Agent.Pods.Actions;
using Drover.Agent.Pods.Execution;
using Drover.Agent.Pods.Observed;
using Drover.Agent.Pods.Reporting;
using Drover.Agent.Probes;
using Drover.Agent.Volumes;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

/// <summary>
/// One pod's worker, as the kubelet's pod_workers.go: a loop fed by a "latest desired pod" slot and a wake signal, so
/// a burst of updates costs one sync. A sync observes the pod in CRI (<see cref="PodObserver"/>), decides what to do
/// (<see cref="PodPlanner.ComputePodActions"/>, pure), does it (<see cref="PodActionsExecutor"/>) and reports the
/// outcome (<see cref="PodStatusManager"/>). The worker also wakes on its own (resync, back-off expiry, probe
/// results). Nothing a sync throws stops the loop.
/// </summary>
internal sealed partial class PodWorker : IProbeListener
{
    private readonly string _uid;
    private readonly PodObserver _observer;
    private readonly PodActionsExecutor _executor;
    private readonly PodStatusManager _status;
    private readonly PodHistory _history;
    private readonly EventRecorder _events;
    private readonly PodManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PodProbers _probers;
    private readonly ContainerInputsSource _inputs;
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Containers whose liveness or startup probe gave up (container id → why), written from probe timers.</summary>
    private readonly ConcurrentDictionary<string, string> _unhealthy = new(StringComparer.Ordinal);
    private int _signalPending;
    private Pod _desired;
    private volatile bool _gone;
    private volatile bool _finished;
    private bool _runtimeDown;
    private volatile string _phase = PodStatusBuilder.Pending;

    /// <summary>The pod finished (Succeeded or Failed) and its sandbox was stopped.</summary>
    private bool _terminalHandled;

    public PodWorker(Pod pod, PodObserver observer, PodActionsExecutor executor, PodStatusManager status, ProbeRunner probes, EventRecorder events, ContainerInputsSource inputs, PodManagerOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _inputs = inputs;
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _uid = CriConfigFactory.Uid(pod);
        _desired = pod;
        _observer = observer;
        _executor = executor;
        _status = status;
        _events = events;
        _options = options;
        _time = time;
        _logger = logger;
        _history = new PodHistory(options.BackoffInitial, options.BackoffMax);
        _probers = new PodProbers(probes, time, this, logger);
    }

    public string Uid => _uid;

    /// <summary>The worker is done: the pod was torn down for good (deleted, or no longer bound here).</summary>
    public bool Finished => _finished;

    /// <summary>The latest desired state from droverd (or the checkpoint).</summary>
    public Pod Desired => Volatile.Read(ref _desired);

    /// <summary>The phase of the last status the worker built (Pending before its first sync).</summary>
    public string Phase => _phase;

    /// <summary>The latest desired state from droverd; replaces whatever the worker has not synced yet.</summary>
    public void Update(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Volatile.Write(ref _desired, pod);
        _status.Confirm();
        Wake();
    }

    /// <summary>The pod is no longer bound to this node (deleted, or moved): stop it and finish.</summary>
    public void MarkGone()
    {
        _gone = true;
        Wake();
    }

    public void Wake()
    {
        if (Interlocked.CompareExchange(ref _signalPending, 1, 0) == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // The loop clears the pending flag before it syncs, but a wait its timer won leaves the signal
                // set: the worker is already due to wake, which is all a wake asks.
            }
        }
    }

    /// <summary>Runs until the pod is torn down (and, if it was deleted, removed from the API) or <paramref name="ct"/> ends.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Interlocked.Exchange(ref _signalPending, 0);
                var pod = Volatile.Read(ref _desired);
                var next = _options.ResyncInterval;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var outcome = await SyncAsync(pod, _gone, ct).ConfigureAwait(false);
                    AgentMetrics.PodSyncDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    _runtimeDown = false;
                    if (outcome.Finished)
                    {
                        _finished = true;
                        return;
                    }

                    if (outcome.WakeAt is { } at)
                    {
                        var untilWake = at - _time.GetUtcNow();
                        next = untilWake < next ? untilWake : next;
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (CriException e) when (e.IsUnavailable)
                {
                    // containerd restarting: the containers run on under their shims; nothing to do but wait (the
                    // manager's relist wakes this worker when CRI answers again).
                    AgentMetrics.PodSyncDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    if (!_runtimeDown)
                    {
                        // Once per outage and pod: twenty pods retrying every few seconds would flood a small disk.
                        _runtimeDown = true;
                        LogRuntimeUnavailable(Namespace(pod), pod.Metadata.Name, e.RuntimeMessage);
                    }

                    next = _options.BackoffInitial < next ? _options.BackoffInitial : next;
                }
                catch (Exception e)
                {
                    AgentMetrics.PodSyncDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    LogSyncFailed(e, Namespace(pod), pod.Metadata.Name, _uid);
                    // A runtime or API hiccup: try again soon, not only at the next resync.
                    next = _options.BackoffInitial < next ? _options.BackoffInitial : next;
                }

                await WaitAsync(next, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            EndShutdownWaits();
            await _probers.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Observe → decide → do → report.</summary>
    private async Task<SyncOutcome> SyncAsync(Pod pod, bool gone, CancellationToken ct)
    {
        var shutdown = Volatile.Read(ref _shutdown);
        var stopping = gone || pod.Metadata.DeletionTimestamp is not null;
        if (!stopping && shutdown is { Stopped: true })
        {
            // Stopped for the node's shutdown: nothing runs, nothing more to report.
            return new SyncOutcome(false, null);
        }

        var observed = await _observer.ObserveAsync(ct).ConfigureAwait(false);
        // A pod that runs gets its volumes and objects first (and again every sync: a changed ConfigMap reaches its
        // files); a stopping or finished one needs neither.
        var inputs = stopping || shutdown is not null || _terminalHandled || PodStatusBuilder.IsTerminal(pod.Status?.Phase)
            ? ContainerInputs.Literal
            : await _inputs.PrepareAsync(pod, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var plan = PodPlanner.ComputePodActions(new PodSyncInput
        {
            Pod = pod,
            Observed = observed,
            History = _history,
            Unhealthy = _unhealthy.IsEmpty ? NoneUnhealthy : new Dictionary<string, string>(_unhealthy, StringComparer.Ordinal),
            Stop = gone ? new PodStop.Gone() : shutdown is null ? null : new PodStop.Shutdown(shutdown.Deadline),
            FinishedHere = _terminalHandled,
            TerminationDrainDelay = _options.TerminationDrainDelay,
            VolumeError = inputs.VolumeError,
            ConfigErrors = inputs.ConfigErrors(pod),
            Now = now,
        });
        if (plan.Termination is { } termination)
        {
            return await TerminateAsync(pod, termination, observed, shutdown, ct).ConfigureAwait(false);
        }

        // Before anything is removed: a failure half-way must not lose the attempts the old containers carried.
        _history.CarryOver(plan.AttemptsCarriedOver);
        var done = await _executor.ExecuteAsync(pod, plan, observed, inputs, now, ct).ConfigureAwait(false);
        foreach (var name in done.Restarted)
        {
            _history.Restarted(name, now);
        }

        foreach (var (name, attempt) in done.Created)
        {
            _history.Created(name, attempt);
        }

        foreach (var id in done.Killed)
        {
            _unhealthy.TryRemove(id, out _);
        }

        await ReportAsync(pod, done, now, ct).ConfigureAwait(false);
        return new SyncOutcome(false, done.WakeAt);
    }

    private async Task ReportAsync(Pod pod, PodExecution done, DateTimeOffset now, CancellationToken ct)
    {
        var podIp = done.Observed.Sandbox(done.SandboxId)?.Ip;
        var (containers, initContainers) = _status.ContainerStatusesOf(pod, done, _history);
        // Probers follow the running containers; their Started/Ready feed the status.
        var running = new List<(Container, string, DateTimeOffset, (bool, bool)?)>();
        for (var i = 0; i < containers.Count; i++)
        {
            if (containers[i] is { State.Running: { } state, ContainerID: { } id })
            {
                // The status an earlier agent wrote for this same container (same id): its Started/Ready carry over.
                var reported = pod.Status?.ContainerStatuses?.Find(c => c is not null && c.ContainerID == id && c.State?.Running is not null) is { } last
                    ? (last.Started == true, last.Ready)
                    : ((bool, bool)?)null;
                running.Add((pod.Spec.Containers[i], _status.Containers.RuntimeId(id), state.StartedAt ?? now, reported));
            }
        }

        await _probers.ReconcileAsync(podIp ?? "", running).ConfigureAwait(false);
        var status = _status.Build(pod, containers, initContainers, podIp, _probers.StateOf, now);
        _phase = status.Phase ?? "Unknown";
        if (PodStatusBuilder.IsTerminal(status.Phase) && !_terminalHandled)
        {
            // As the kubelet: a pod that has finished gives back its network and sandbox.
            if (done.SandboxId.Length > 0)
            {
                await _executor.StopSandboxAsync(done.SandboxId, ct).ConfigureAwait(false);
            }

            _terminalHandled = true;
            LogPodFinished(Namespace(pod), pod.Metadata.Name, _uid, status.Phase!);
        }

        await _status.WriteAsync(pod, status, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The pod stops: for a deletion, serve on (the drain) while the preStop hooks run, stop the containers within what
    /// is left of the grace period, report them terminated, release everything and finish the deletion in the API.
    /// </summary>
    private async Task<SyncOutcome> TerminateAsync(Pod pod, PodTermination termination, ObservedPod observed, ShutdownRequest? shutdown, CancellationToken ct)
    {
        if (termination.Kind == PodTerminationKind.Shutdown && !BeginShutdownStop(shutdown!, termination))
        {
            return new SyncOutcome(false, termination.AlreadyFinished ? null : _time.GetUtcNow());
        }

        var grace = termination.Grace;
        if (termination.Grace > TimeSpan.Zero && termination.Kind != PodTerminationKind.Gone)
        {
            var started = _time.GetTimestamp();
            await Task.WhenAll(
                termination.Drain > TimeSpan.Zero ? Task.Delay(termination.Drain, _time, ct) : Task.CompletedTask,
                _executor.RunPreStopHooksAsync(pod, termination.PreStopHooks, termination.Grace, ct)).ConfigureAwait(false);
            grace = termination.GraceAfterHooks(_time.GetElapsedTime(started));
        }

        await _probers.ReconcileAsync("", []).ConfigureAwait(false);
        await _executor.KillAsync(pod, termination.ContainersToKill, grace, ct).ConfigureAwait(false);
        if (termination.ReportFinalStatus)
        {
            // Reported before the network goes: the last word on the pod while droverd can still be reached.
            await ReportFinalStatusAsync(pod, observed, termination.FailedAs, ct).ConfigureAwait(false);
        }

        if (termination.RemoveEverything)
        {
            await _executor.RemoveEverythingAsync(pod, observed, ct).ConfigureAwait(false);
        }

        await _executor.StopSandboxesAsync(termination.SandboxesToStop, ct).ConfigureAwait(false);
        switch (termination.Kind)
        {
            case PodTerminationKind.Gone:
                LogPodRemoved(Namespace(pod), pod.Metadata.Name, _uid, "no longer bound to this node");
                return SyncOutcome.Done;
            case PodTerminationKind.Deleted:
                await _status.FinishDeletionAsync(pod, ct).ConfigureAwait(false);
                LogPodRemoved(Namespace(pod), pod.Metadata.Name, _uid, "deleted");
                return SyncOutcome.Done;
            default:
                _phase = PodStatusBuilder.Failed;
                _terminalHandled = true;
                EndShutdownStop(shutdown!);
                LogPodShutDown(Namespace(pod), pod.Metadata.Name, _uid, termination.ContainersToKill.Count, grace);
                return new SyncOutcome(false, null);
        }
    }

    /// <summary>The kubelet reports the stopped containers before the pod goes: the last word on how they ended.</summary>
    private async Task ReportFinalStatusAsync(Pod pod, ObservedPod observed, PodFailure? failed, CancellationToken ct)
    {
        try
        {
            var last = await _executor.LastContainersAsync(pod, observed, ct).ConfigureAwait(false);
            await _status.WriteAsync(pod, _status.BuildFinal(pod, last, _history, failed, _time.GetUtcNow()), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiClientException or CriException)
        {
            LogFinalStatusFailed(Namespace(pod), pod.Metadata.Name, e.Message);
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var signalled = _signal.WaitAsync(stop.Token);
        var timer = Task.Delay(delay, _time, stop.Token);
        await Task.WhenAny(signalled, timer).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    // ---- IProbeListener (called from probe timers) ----

    void IProbeListener.OnProbeStateChanged(string containerId) => Wake();

    void IProbeListener.OnProbeFailed(string containerId, string containerName, ProbeKind kind, string message, bool settled) =>
        _events.Record(Volatile.Read(ref _desired), EventRecorder.Warning, "Unhealthy", $"{kind} probe failed: {message}", containerName);

    void IProbeListener.OnContainerUnhealthy(string containerId, string containerName, ProbeKind kind, string message)
    {
        _unhealthy[containerId] = $"Container {containerName} failed {kind.ToString().ToLowerInvariant()} probe, will be restarted";
        Wake();
    }

    private static readonly Dictionary<string, string> NoneUnhealthy = [];

    private static string Namespace(Pod pod) => CriConfigFactory.Namespace(pod);

    /// <summary>What a sync decided: whether the worker is done, and when it wants to run again.</summary>
    private readonly record struct SyncOutcome(bool Finished, DateTimeOffset? WakeAt)
    {
        public static SyncOutcome Done => new(true, null);
    }
}
