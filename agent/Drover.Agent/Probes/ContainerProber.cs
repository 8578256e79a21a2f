using Drover.Agent.Metrics;
using Drover.Api;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Probes;

/// <summary>
/// The probes of one running container (one container id): startup first, then readiness and liveness
/// on their own periods, each counted against its thresholds. Timers come from the injected
/// <see cref="TimeProvider"/>. Disposing stops every probe; a replaced container gets a new prober.
/// </summary>
internal sealed partial class ContainerProber : IAsyncDisposable
{
    // A fresh container's server listens a few ms after StartContainer returns (busybox httpd: median 3-5 ms, at most
    // 33 ms in the agent benchmark's floor); a first retry after 100 ms put up to 100 ms on bind→Ready for no reason.
    private static readonly TimeSpan WarmUpFirstRetry = TimeSpan.FromMilliseconds(10);

    private readonly ProbeRunner _runner;
    private readonly TimeProvider _time;
    private readonly IProbeListener _listener;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _startedAt;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _startupPassed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _loops = [];
    private volatile bool _started;
    private volatile bool _ready;
    private readonly bool _readyAtStart;
    private volatile ProbeTarget _target;

    /// <param name="reported">
    /// What the pod's status last said of this very container (same container id), when an earlier agent process
    /// reported it: kept until the probes say otherwise, so an agent restart does not flip a running, ready container
    /// to not ready (which takes it out of its Services for a probe period) — kubelet's fix for the same flap
    /// (kubernetes#100277, KEP 4781). Null for a container this agent started.
    /// </param>
    public ContainerProber(ProbeRunner runner, ProbeTarget target, DateTimeOffset startedAt, TimeProvider time, IProbeListener listener, ILogger logger,
        (bool Started, bool Ready)? reported = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(logger);
        _runner = runner;
        _target = target;
        _startedAt = startedAt;
        _time = time;
        _listener = listener;
        _logger = logger;
        var container = target.Container;
        _started = container.StartupProbe is null || reported is { Started: true };
        // Without a readiness probe a started container is ready; with one it is not until the probe says so (or,
        // for a container an earlier agent reported ready, until the probe says it no longer is).
        _ready = container.ReadinessProbe is null || reported is { Started: true, Ready: true };
        _readyAtStart = container.ReadinessProbe is not null && _ready;
        if (_started)
        {
            _startupPassed.TrySetResult();
        }
    }

    public string ContainerId => _target.ContainerId;

    /// <summary>The startup probe passed (or there is none).</summary>
    public bool Started => _started;

    /// <summary>Started, and the readiness probe passes (or there is none).</summary>
    public bool Ready => _started && _ready;

    /// <summary>The pod IP can change only with a new sandbox, which means new containers; kept current anyway.</summary>
    public void UpdateTarget(ProbeTarget target) => _target = target ?? throw new ArgumentNullException(nameof(target));

    public void Start()
    {
        var container = _target.Container;
        // A container reported started by an earlier agent has passed its startup probe: it is not probed again.
        if (container.StartupProbe is { } startup && !_started)
        {
            _loops.Add(Task.Run(() => LoopAsync(ProbeKind.Startup, startup, _stop.Token)));
        }

        if (container.ReadinessProbe is { } readiness)
        {
            _loops.Add(Task.Run(() => LoopAsync(ProbeKind.Readiness, readiness, _stop.Token)));
        }

        if (container.LivenessProbe is { } liveness)
        {
            _loops.Add(Task.Run(() => LoopAsync(ProbeKind.Liveness, liveness, _stop.Token)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(ProbeKind kind, Probe probe, CancellationToken ct)
    {
        try
        {
            if (kind != ProbeKind.Startup)
            {
                await _startupPassed.Task.WaitAsync(ct).ConfigureAwait(false);
            }

            var settings = ProbeSettings.From(probe, kind);
            var state = new ProbeState(settings.SuccessThreshold, settings.FailureThreshold, kind switch
            {
                ProbeKind.Readiness => _readyAtStart ? ProbeResult.Success : ProbeResult.Failure,
                ProbeKind.Liveness => ProbeResult.Success,
                _ => ProbeResult.Unknown,
            });

            // initialDelaySeconds counts from the container's start, as the kubelet counts it.
            var firstAt = _startedAt + settings.InitialDelay;
            var wait = firstAt - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
            }

            // Until a readiness probe first passes, retry sooner than its period (10 ms, doubling up to the period):
            // the first probes of a fresh container race its listen(), and one lost race would otherwise keep a
            // ready container out of its Service for a whole period. Only readiness: it starts as failed, so the
            // extra early failures change nothing, whereas startup and liveness failures count toward a restart.
            var warmUp = kind == ProbeKind.Readiness ? WarmUpFirstRetry : settings.Period;
            var everPassed = kind == ProbeKind.Readiness && _readyAtStart;
            while (!ct.IsCancellationRequested)
            {
                var target = _target;
                ProbeOutcome outcome;
                try
                {
                    outcome = await _runner.RunAsync(probe, target, settings.Timeout, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    outcome = ProbeOutcome.Failure(e.Message);
                }

                if (ct.IsCancellationRequested)
                {
                    return;
                }

                AgentMetrics.ProbeRan(kind, outcome.Result == ProbeResult.Success);
                var changed = state.Record(outcome.Result);
                if (outcome.Result == ProbeResult.Failure && (state.ConsecutiveCount == 1 || changed))
                {
                    LogProbeFailed(target.Container.Name, target.ContainerId, kind, outcome.Message);
                    _listener.OnProbeFailed(target.ContainerId, target.Container.Name, kind, outcome.Message, changed);
                }

                if (changed && !Apply(kind, state.Result, target, outcome.Message))
                {
                    return;
                }

                everPassed |= outcome.Result == ProbeResult.Success;
                var delay = settings.Period;
                if (!everPassed && warmUp < settings.Period)
                {
                    delay = warmUp;
                    warmUp += warmUp;
                }

                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogProbeLoopFailed(e, _target.Container.Name, kind);
        }
    }

    /// <summary>Acts on a settled result; false when this probe's loop is done.</summary>
    private bool Apply(ProbeKind kind, ProbeResult result, ProbeTarget target, string message)
    {
        switch (kind)
        {
            case ProbeKind.Startup when result == ProbeResult.Success:
                _started = true;
                _startupPassed.TrySetResult();
                _listener.OnProbeStateChanged(target.ContainerId);
                return false;
            case ProbeKind.Readiness:
                _ready = result == ProbeResult.Success;
                _listener.OnProbeStateChanged(target.ContainerId);
                return true;
            case ProbeKind.Startup or ProbeKind.Liveness when result == ProbeResult.Failure:
                // The container gets killed and replaced (with a new prober); probing it further is noise.
                _listener.OnContainerUnhealthy(target.ContainerId, target.Container.Name, kind, message);
                return false;
            default:
                return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind} probe of container {Container} ({ContainerId}) failed: {Reason}")]
    private partial void LogProbeFailed(string container, string containerId, ProbeKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} probe loop of container {Container} failed")]
    private partial void LogProbeLoopFailed(Exception exception, string container, ProbeKind kind);
}
