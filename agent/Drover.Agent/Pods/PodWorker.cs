using System.Collections.Concurrent;
using System.Diagnostics;
using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Agent.Probes;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

/// <summary>
/// One pod's worker, as the kubelet's pod_workers.go: a loop fed by a "latest desired pod" slot and a wake
/// signal, so a burst of updates costs one sync. Each sync re-reads the pod's actual state from CRI and
/// moves it one step towards the desired state; the worker also wakes on its own (resync, back-off
/// expiry, probe results). Nothing a sync throws stops the loop. A worker started from the checkpoint
/// (droverd unreachable) runs the pod but writes no status until droverd has sent the pod itself: only
/// then is it known that the pod still exists as the checkpoint remembers it.
/// </summary>
internal sealed partial class PodWorker : IProbeListener
{
    private readonly string _uid;
    private readonly CriClient _cri;
    private readonly DroverClient _api;
    private readonly PodManagerOptions _options;
    private readonly CriConfigFactory _configs;
    private readonly EventRecorder _events;
    private readonly ApiReachability _reachability;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PodProbers _probers;
    private readonly ProbeRunner _probeRunner;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly RestartBackoff _restartBackoff;
    private readonly RestartBackoff _pullBackoff;
    private readonly Dictionary<string, (DateTimeOffset At, string Message)> _pullErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _unhealthy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _podIps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _nextAttempts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _backoffReported = new(StringComparer.Ordinal);
    private int _signalPending;
    private Pod _desired;
    private volatile bool _gone;
    private volatile bool _confirmed;
    private volatile bool _finished;
    private bool _runtimeDown;
    private volatile string _phase = "Pending";
    private Pod? _statusBase;
    private byte[]? _lastStatus;
    private bool _terminalHandled;

    public PodWorker(Pod pod, CriClient cri, DroverClient api, PodManagerOptions options, CriConfigFactory configs, ProbeRunner probes, EventRecorder events, ApiReachability reachability, TimeProvider time, ILogger logger, bool fromCheckpoint = false)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(reachability);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _uid = CriConfigFactory.Uid(pod);
        _desired = pod;
        _confirmed = !fromCheckpoint;
        _cri = cri;
        _api = api;
        _options = options;
        _configs = configs;
        _events = events;
        _reachability = reachability;
        _time = time;
        _logger = logger;
        _restartBackoff = new RestartBackoff(options.BackoffInitial, options.BackoffMax);
        _pullBackoff = new RestartBackoff(options.BackoffInitial, options.BackoffMax);
        _probers = new PodProbers(probes, time, this, logger);
        _probeRunner = probes;
        // An adopted pod whose status is already what the agent would write causes no write.
        _lastStatus = pod.Status is null ? null : SerializeStatus(pod.Status);
        _statusBase = pod;
    }

    public string Uid => _uid;

    /// <summary>The worker is done: the pod was torn down for good (deleted, or no longer bound here).</summary>
    public bool Finished => _finished;

    /// <summary>The phase of the last status the worker built (Pending before its first sync).</summary>
    public string Phase => _phase;

    /// <summary>The latest desired state from droverd; replaces whatever the worker has not synced yet.</summary>
    public void Update(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Volatile.Write(ref _desired, pod);
        _confirmed = true;
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

    private static string Namespace(Pod pod) => CriConfigFactory.Namespace(pod);

    private static byte[] SerializeStatus(PodStatus status) =>
        ResourceTypes.Pods.SerializeToUtf8Bytes(new Pod { Status = status });

    /// <summary>What a sync decided: whether the worker is done, and when it wants to run again.</summary>
    private readonly record struct SyncOutcome(bool Finished, DateTimeOffset? WakeAt)
    {
        public static SyncOutcome Done => new(true, null);
    }
}
