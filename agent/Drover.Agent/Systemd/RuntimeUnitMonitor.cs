using Microsoft.Extensions.Logging;

namespace Drover.Agent.Systemd;

/// <summary>
/// Keeps the container runtime's unit state (containerd.service) for the node's conditions: asked from
/// systemd's manager every <see cref="Interval"/>, and <see cref="Changed"/> is raised when it changed, so that
/// the status reporter (which subscribes when it is made) writes at once rather than at its next check. Polling, not PropertiesChanged: one
/// small call every few seconds costs less than keeping a match and its reconnect logic right.
/// </summary>
internal sealed partial class RuntimeUnitMonitor
{
    private readonly SystemdManagerClient? _manager;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private UnitState _state;

    /// <param name="manager">null when there is no system bus: the state stays <paramref name="initial"/>.</param>
    public RuntimeUnitMonitor(SystemdManagerClient? manager, UnitState initial, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        if (interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "the poll interval must be positive");
        _manager = manager;
        _state = initial;
        Interval = interval;
        _time = time;
        _logger = logger;
    }

    public TimeSpan Interval { get; }

    /// <summary>The last state seen; read by the status reporter's thread.</summary>
    public UnitState State => Volatile.Read(ref _state);

    /// <summary>Raised from the poll loop when <see cref="State"/> changed.</summary>
    public event Action? Changed;

    public async Task RunAsync(CancellationToken ct)
    {
        if (_manager is null)
            return;
        var failing = false;
        while (!ct.IsCancellationRequested)
        {
            UnitState next;
            try
            {
                next = await _manager.GetUnitStateAsync(State.Unit, ct).ConfigureAwait(false);
                failing = false;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SystemdException e)
            {
                // Once per outage: systemd being away must not fill a small disk.
                if (!failing)
                    LogFailed(_logger, State.Unit, e.Message);
                failing = true;
                next = UnitState.Unknown(State.Unit, e.Message);
            }

            var previous = Volatile.Read(ref _state);
            if (previous != next)
            {
                Volatile.Write(ref _state, next);
                if (next.Problem is null)
                    LogState(_logger, next.Unit, next.ActiveState, next.SubState);
                Changed?.Invoke();
            }

            try
            {
                await Task.Delay(Interval, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Unit} is {ActiveState} ({SubState})")]
    private static partial void LogState(ILogger logger, string unit, string activeState, string subState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot read {Unit}'s state from systemd: {Error}")]
    private static partial void LogFailed(ILogger logger, string unit, string error);
}
