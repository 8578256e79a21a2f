using System.Threading.Channels;
using Drover.Agent.Node;
using Drover.Agent.Pods;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Drover.Agent.Systemd;

/// <summary>
/// Drains the node before the machine shuts down. A logind "delay" inhibitor lock makes logind wait (up to
/// its InhibitDelayMaxUSec) after it announces PrepareForShutdown(true): the agent then cordons the node,
/// stops its pods within their grace periods — all before that delay runs out — has them reported, and
/// closes the lock's descriptor, which lets the shutdown go on. PrepareForShutdown(false) (the shutdown was
/// cancelled) takes the lock again and undoes the cordon. Signals are handled one at a time, in order.
/// </summary>
internal sealed partial class ShutdownInhibitor : IDisposable
{
    public const string What = "shutdown";
    public const string Who = "drover-agent";
    public const string Why = "Draining pods before shutdown";
    public const string Mode = "delay";

    /// <summary>logind's own default, for when the property cannot be read.</summary>
    private static readonly TimeSpan DefaultDelayMax = TimeSpan.FromSeconds(5);

    /// <summary>Kept back from logind's delay twice (stopping and reporting, then releasing): a tenth of it, at most this much.</summary>
    private static readonly TimeSpan MaxMargin = TimeSpan.FromSeconds(1);

    private readonly LogindClient _logind;
    private readonly PodManager _pods;
    private readonly NodeCordon _cordon;
    private readonly SystemdNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<(Exception? Error, bool Active)> _signals = Channel.CreateUnbounded<(Exception?, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private SafeFileHandle? _lock;
    private IDisposable? _watch;
    private TimeSpan _delayMax = DefaultDelayMax;

    public ShutdownInhibitor(LogindClient logind, PodManager pods, NodeCordon cordon, SystemdNotifier notifier, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logind);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(cordon);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _logind = logind;
        _pods = pods;
        _cordon = cordon;
        _notifier = notifier;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether the inhibitor lock is held now.</summary>
    public bool Holding => Volatile.Read(ref _lock) is not null;

    /// <summary>Subscribes to PrepareForShutdown, reads the delay and takes the lock; throws <see cref="SystemdException"/> when logind is not there.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        // Subscribed before the lock is taken: a shutdown that begins in between is not missed.
        _watch = await _logind.WatchPrepareForShutdownAsync((error, active) => _signals.Writer.TryWrite((error, active)), ct).ConfigureAwait(false);
        _delayMax = await _logind.InhibitDelayMaxAsync(ct).ConfigureAwait(false);
        await TakeLockAsync(ct).ConfigureAwait(false);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (error, active) in _signals.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (error is not null)
                {
                    // logind cannot tell us of a shutdown any more: holding the lock would only delay every shutdown.
                    LogBusLost(_logger, error.Message);
                    Release();
                    return;
                }

                try
                {
                    if (active)
                        await DrainAsync(ct).ConfigureAwait(false);
                    else
                        await ResumeAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSignalFailed(_logger, active, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        try
        {
            // Read again: an administrator may have changed logind.conf since the agent started.
            _delayMax = await _logind.InhibitDelayMaxAsync(ct).ConfigureAwait(false);
        }
        catch (SystemdException e)
        {
            LogDelayUnknown(_logger, e.Message, _delayMax);
        }

        // Two margins: the pods' stop deadline leaves one for killing what outlived it and writing its status,
        // the wait leaves the other for the release itself — logind goes on when its delay is up regardless.
        var margin = _delayMax / 10 < MaxMargin ? _delayMax / 10 : MaxMargin;
        var deadline = started + _delayMax - 2 * margin;
        LogDraining(_logger, _delayMax, deadline);
        _notifier.Status("draining pods before shutdown");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(_delayMax - margin);
        // Side by side: droverd being slow or away must not eat the pods' grace periods.
        var cordon = CordonAsync(bounded.Token);
        var stopped = 0;
        try
        {
            stopped = await _pods.ShutDownPodsAsync(deadline, bounded.Token).ConfigureAwait(false);
            LogDrained(_logger, stopped, _time.GetUtcNow() - started);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogDrainTimedOut(_logger, _delayMax - margin);
        }

        await cordon.ConfigureAwait(false);
        Release();
        _notifier.Status($"{stopped} pod(s) stopped for shutdown; inhibitor lock released");
    }

    private async Task ResumeAsync(CancellationToken ct)
    {
        LogResumed(_logger);
        _pods.CancelShutdown();
        if (!Holding)
            await TakeLockAsync(ct).ConfigureAwait(false);
        try
        {
            await _cordon.UncordonAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiClientException or HttpRequestException)
        {
            LogCordonFailed(_logger, "uncordon", e.Message);
        }

        _notifier.Status("shutdown cancelled; running pods again");
    }

    private async Task CordonAsync(CancellationToken ct)
    {
        try
        {
            await _cordon.CordonAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiClientException or HttpRequestException or OperationCanceledException)
        {
            LogCordonFailed(_logger, "cordon", e.Message);
        }
    }

    private async Task TakeLockAsync(CancellationToken ct)
    {
        var handle = await _logind.InhibitAsync(What, Who, Why, Mode, ct).ConfigureAwait(false);
        Interlocked.Exchange(ref _lock, handle)?.Dispose();
        LogLockTaken(_logger, _delayMax);
    }

    /// <summary>Closing our copy of the descriptor is what releases a logind lock.</summary>
    private void Release()
    {
        if (Interlocked.Exchange(ref _lock, null) is { } handle)
        {
            handle.Dispose();
            LogLockReleased(_logger);
        }
    }

    public void Dispose()
    {
        _signals.Writer.TryComplete();
        _watch?.Dispose();
        Release();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "holding a logind delay inhibitor lock for shutdown (logind waits up to {DelayMax} for the pods to stop)")]
    private static partial void LogLockTaken(ILogger logger, TimeSpan delayMax);

    [LoggerMessage(Level = LogLevel.Information, Message = "released the logind inhibitor lock")]
    private static partial void LogLockReleased(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the machine is shutting down: cordoning the node and stopping its pods within {DelayMax} (by {Deadline:O})")]
    private static partial void LogDraining(ILogger logger, TimeSpan delayMax, DateTimeOffset deadline);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Pods} pod(s) stopped for the shutdown in {Elapsed}")]
    private static partial void LogDrained(ILogger logger, int pods, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Error, Message = "not every pod stopped within logind's delay ({Budget}); releasing the lock anyway")]
    private static partial void LogDrainTimedOut(ILogger logger, TimeSpan budget);

    [LoggerMessage(Level = LogLevel.Information, Message = "the shutdown was cancelled: taking the inhibitor lock again and making the node schedulable")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot read logind's InhibitDelayMaxUSec ({Error}); assuming {DelayMax}")]
    private static partial void LogDelayUnknown(ILogger logger, string error, TimeSpan delayMax);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} of the node failed: {Error}")]
    private static partial void LogCordonFailed(ILogger logger, string what, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "handling PrepareForShutdown({Active}) failed: {Error}")]
    private static partial void LogSignalFailed(ILogger logger, bool active, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "lost the system bus ({Error}); pods will not be drained before a shutdown")]
    private static partial void LogBusLost(ILogger logger, string error);
}
