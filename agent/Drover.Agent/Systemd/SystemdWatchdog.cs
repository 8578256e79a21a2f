using System.Globalization;

namespace Drover.Agent.Systemd;

/// <summary>
/// systemd's service watchdog (WatchdogSec=): <see cref="Kick"/> is called by the loop that does the agent's
/// work on every turn and sends WATCHDOG=1 once half of $WATCHDOG_USEC has passed since the last ping (what
/// sd_watchdog_enabled(3) recommends). A loop that hangs stops calling it, the pings stop and systemd
/// restarts the agent — which a timer of its own would hide, so there is none.
/// </summary>
internal sealed class SystemdWatchdog
{
    private readonly SystemdNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly long _periodTicks;
    private long _lastPingTimestamp = Never;

    private const long Never = long.MinValue;

    /// <param name="timeout">WatchdogSec as systemd passed it; null turns the watchdog off.</param>
    public SystemdWatchdog(SystemdNotifier notifier, TimeSpan? timeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(time);
        _notifier = notifier;
        _time = time;
        Timeout = notifier.Enabled ? timeout : null;
        _periodTicks = Timeout is { } t ? t.Ticks / 2 : 0;
    }

    /// <summary>The watchdog timeout, or null when systemd asked for none (or the notify socket is off).</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>
    /// $WATCHDOG_USEC when it is meant for this process: systemd sets $WATCHDOG_PID too, and a child that
    /// inherited both from its parent must not ping on the parent's behalf. Bad values are errors, not a
    /// silently disabled watchdog that would let a hung agent run on.
    /// </summary>
    public static TimeSpan? TimeoutFromEnvironment(string? usec, string? pid, int ownPid)
    {
        if (string.IsNullOrEmpty(usec))
            return null;
        if (!string.IsNullOrEmpty(pid))
        {
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var target))
                throw new SystemdException($"WATCHDOG_PID \"{pid}\" is not a process id");
            if (target != ownPid)
                return null;
        }
        if (!ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros == 0 || micros > (ulong)TimeSpan.MaxValue.Ticks / 10)
            throw new SystemdException($"WATCHDOG_USEC \"{usec}\" is not a positive number of microseconds");
        return TimeSpan.FromTicks((long)micros * 10);
    }

    public static TimeSpan? TimeoutFromEnvironment() => TimeoutFromEnvironment(
        Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId);

    /// <summary>
    /// Pings on a timer until <paramref name="ct"/> ends — for start-up only, before the working loop runs:
    /// systemd arms the watchdog when the process starts, and a first join that waits for droverd would be
    /// killed for it; start-up is bounded by TimeoutStartSec instead, which READY=1 ends.
    /// </summary>
    public async Task KickUntilAsync(CancellationToken ct)
    {
        if (_periodTicks == 0)
            return;
        var period = TimeSpan.FromTicks(Math.Max(_periodTicks / 2, TimeSpan.TicksPerMillisecond * 100));
        while (!ct.IsCancellationRequested)
        {
            Kick();
            try
            {
                await Task.Delay(period, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The loop is alive: ping systemd if half the timeout has passed since the last ping. Cheap enough for every turn.</summary>
    public void Kick()
    {
        if (_periodTicks == 0)
            return;
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastPingTimestamp);
        if (last != Never && _time.GetElapsedTime(last, now).Ticks < _periodTicks)
            return;
        // Two callers at once would both send; the one that wins the exchange does.
        if (Interlocked.CompareExchange(ref _lastPingTimestamp, now, last) != last)
            return;
        _notifier.Watchdog();
    }
}
