using System.Collections.Concurrent;
using Drover.Agent.Cri;
using Drover.Agent.Probes;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

/// <summary>
/// One pod's worker, as the kubelet's pod_workers.go: a loop fed by a "latest desired pod" slot and a wake
/// signal, so a burst of updates costs one sync. Each sync re-reads the pod's actual state from CRI and
/// moves it one step towards the desired state; the worker also wakes on its own (resync, back-off
/// expiry, probe results). Nothing a sync throws stops the loop.
/// </summary>
internal sealed partial class PodWorker : IProbeListener
{
    private readonly string _uid;
    private readonly CriClient _cri;
    private readonly DroverClient _api;
    private readonly PodManagerOptions _options;
    private readonly CriConfigFactory _configs;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PodProbers _probers;
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
    private Pod? _statusBase;
    private byte[]? _lastStatus;
    private bool _terminalHandled;

    public PodWorker(Pod pod, CriClient cri, DroverClient api, PodManagerOptions options, CriConfigFactory configs, ProbeRunner probes, EventRecorder events, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _uid = CriConfigFactory.Uid(pod);
        _desired = pod;
        _cri = cri;
        _api = api;
        _options = options;
        _configs = configs;
        _events = events;
        _time = time;
        _logger = logger;
        _restartBackoff = new RestartBackoff(options.BackoffInitial, options.BackoffMax);
        _pullBackoff = new RestartBackoff(options.BackoffInitial, options.BackoffMax);
        _probers = new PodProbers(probes, time, this, logger);
        // An adopted pod whose status is already what the agent would write causes no write.
        _lastStatus = pod.Status is null ? null : SerializeStatus(pod.Status);
        _statusBase = pod;
    }

    public string Uid => _uid;

    /// <summary>The latest desired state; replaces whatever the worker has not synced yet.</summary>
    public void Update(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Volatile.Write(ref _desired, pod);
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
            _signal.Release();
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
                try
                {
                    var outcome = await SyncAsync(pod, _gone, ct).ConfigureAwait(false);
                    if (outcome.Finished)
                    {
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
                catch (Exception e)
                {
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
